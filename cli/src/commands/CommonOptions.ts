/** Flags every command that reads an image shares. */
export interface CommonOptions {
  model: string;
  input: string;
  labels?: string;
  labelValues?: string;
  json?: boolean;
  backend?: 'node' | 'web';
  /** --memory-budget in bytes: what one batch may take (see memoryBudgetOf for the default). */
  memoryBudget?: number;
  /** --allow-irregular-spacing: read a DICOM series with gaps on one mean spacing instead of refusing it. */
  allowIrregularSpacing?: boolean;
}
