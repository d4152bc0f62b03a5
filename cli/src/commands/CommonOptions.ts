/** Flags every command that reads an image shares. */
export interface CommonOptions {
  model: string;
  input: string;
  labels?: string;
  labelValues?: string;
  json?: boolean;
  backend?: 'node' | 'web';
}
