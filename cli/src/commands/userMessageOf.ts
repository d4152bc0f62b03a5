/** JavaScript's own errors: what a bug throws, never a refusal written for a user. */
const INTERNAL = [TypeError, RangeError, ReferenceError, SyntaxError];

/**
 * The line a failed command prints: the error's message when it is one of the project's
 * refusals; for a JavaScript error from deep inside ("Invalid typed array length: -Infinity"),
 * a sentence saying that this is a fault of the tool to report, with the raw message kept for
 * the report.
 */
export function userMessageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (!INTERNAL.some((kind) => error instanceof kind)) return message;
  return (
    'xai-clip stopped on an internal error, a fault of the tool rather than of the input as far as it checked ' +
    `(${(error as Error).name}: ${message}). Please report it with the command line that caused it.`
  );
}
