/** Prints a warning on stderr, beside the result (which stays on stdout, JSON or text). */
export function warn(message: string): void {
  process.stderr.write(`xai-clip: warning: ${message}\n`);
}
