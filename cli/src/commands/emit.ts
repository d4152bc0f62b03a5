/** Prints a command's result: JSON on stdout with --json, else the human summary. */
export function emit(json: boolean | undefined, result: unknown, summary: string): void {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${summary}\n`);
}
