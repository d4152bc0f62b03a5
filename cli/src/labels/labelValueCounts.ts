/** Voxels per value of a label volume (or of part of one), in increasing order of value. */
export function labelValueCounts(labels: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let v = 0; v < labels.length; v++) counts.set(labels[v], (counts.get(labels[v]) ?? 0) + 1);
  return new Map([...counts].sort(([a], [b]) => a - b));
}
