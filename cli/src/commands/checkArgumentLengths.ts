/** Options that hold free text (a prompt), not a path or a number. */
const FREE_TEXT_OPTIONS = ['--organ'];
const FREE_TEXT_MAX = 200;
/** Longer than any path a file system allows (PATH_MAX is 4096 on Linux). */
const ARGUMENT_MAX = 4096;
/** Far more than any real command line; onnxruntime-node crashes past about 32 kB of arguments. */
const TOTAL_MAX = 16 * 1024;

/**
 * The reason `args` (the command line after the program) is refused for its length, or undefined:
 * a free-text option over 200 characters, any argument over 4096, or over 16 kB in all. Checked
 * before anything runs, so that an overlong argument gets a clear error instead of a crash inside
 * the model runtime.
 */
export function argumentLengthProblem(args: readonly string[]): string | undefined {
  const total = args.reduce((sum, arg) => sum + arg.length + 1, 0);
  if (total > TOTAL_MAX) {
    return `The command line is ${total} characters long, over the ${TOTAL_MAX} this tool accepts. Shorten its arguments (a cohort of many images goes in a list file: --input cases.txt).`;
  }
  for (const [n, arg] of args.entries()) {
    const inline = /^(--[\w-]+)=/.exec(arg);
    const option = inline ? inline[1] : args[n - 1];
    const value = inline ? arg.slice(inline[0].length) : arg;
    if (FREE_TEXT_OPTIONS.includes(option) && value.length > FREE_TEXT_MAX) {
      return `${option} is ${value.length} characters long; it takes an organ name or a short prompt of at most ${FREE_TEXT_MAX} characters.`;
    }
    if (arg.length > ARGUMENT_MAX) {
      return `An argument is ${arg.length} characters long (it starts "${arg.slice(0, 40)}…"), over the ${ARGUMENT_MAX} this tool accepts. Check the command line.`;
    }
  }
  return undefined;
}
