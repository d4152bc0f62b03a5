/**
 * Samples the process's resident set size while `work` runs (every `everyMs` between model calls,
 * and before and after) and returns its peak in MiB with the work's result. onnxruntime-node runs
 * a session on the JavaScript thread, so samples fall between batches, where the batch's inputs
 * and outputs are still alive; `maxRssMb` gives the OS-measured peak of the whole process.
 */
export async function withPeakMemory<T>(
  work: () => Promise<T>,
  everyMs = 25,
): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, everyMs);
  try {
    const result = await work();
    sample();
    return { result, peakRssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** The process's peak resident set size so far (MiB), from the OS. */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
