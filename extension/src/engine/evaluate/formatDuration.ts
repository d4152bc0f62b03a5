/**
 * A duration as people read it: "45 s", "1 min 30 s", "1 h 5 min" (rounded up to the unit shown,
 * so an estimate never promises less than it computed). Every time the panel shows goes through it.
 */
export function formatDuration(ms: number): string {
  if (!(ms >= 0) || !Number.isFinite(ms))
    throw new Error(`A duration must be a finite number ≥ 0 ms, got ${ms}.`);
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const [min, s] = [Math.floor(seconds / 60), seconds % 60];
    return s === 0 ? `${min} min` : `${min} min ${s} s`;
  }
  const minutes = Math.ceil(seconds / 60);
  const [h, min] = [Math.floor(minutes / 60), minutes % 60];
  return min === 0 ? `${h} h` : `${h} h ${min} min`;
}
