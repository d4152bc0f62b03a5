/** What the measured cases say a cluster job should ask for. */
export interface JobRequests {
  cases: number;
  wallSeconds: { median: number; max: number };
  peakRssMib: { median: number; max: number };
  /** Memory per task: the largest case's peak with a quarter more, in whole 256 MiB. */
  memoryMib: number;
  /** Time per task of `casesPerTask` cases: each as slow as the slowest, twice over, plus a minute to start. */
  timeMinutes: number;
}

const MEMORY_HEADROOM = 1.25;
const TIME_HEADROOM = 2;
const START_SECONDS = 60;

/** Resource requests from a cohort summary's wall_ms and peak_rss_mib columns. */
export function jobRequestsOf(rows: Record<string, string>[], casesPerTask: number): JobRequests {
  const column = (name: string) => {
    const values = rows.map((row) => Number(row[name]));
    if (!values.length || values.some((value) => !(value > 0))) {
      throw new Error(`The summary's ${name} column must hold a positive number in every row.`);
    }
    return values.sort((a, b) => a - b);
  };
  const wall = column('wall_ms').map((ms) => ms / 1000);
  const peak = column('peak_rss_mib');
  const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)];
  const max = (sorted: number[]) => sorted[sorted.length - 1];
  return {
    cases: rows.length,
    wallSeconds: { median: median(wall), max: max(wall) },
    peakRssMib: { median: median(peak), max: max(peak) },
    memoryMib: Math.ceil((max(peak) * MEMORY_HEADROOM) / 256) * 256,
    timeMinutes: Math.ceil((casesPerTask * max(wall) * TIME_HEADROOM + START_SECONDS) / 60),
  };
}
