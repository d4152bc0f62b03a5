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
}
