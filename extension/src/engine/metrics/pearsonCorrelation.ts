/**
 * Pearson correlation of two maps over the voxels `keep` accepts (all by default); NaN when either
 * is constant there (no spread to correlate) or no voxel is kept.
 */
export function pearsonCorrelation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  keep: (v: number) => boolean = () => true,
): number {
  if (a.length !== b.length) {
    throw new Error(`Maps differ in size (${a.length} vs ${b.length} voxels); they must share one grid.`);
  }
  let n = 0;
  let [sa, sb] = [0, 0];
  for (let v = 0; v < a.length; v++) {
    if (!keep(v)) continue;
    n++;
    sa += a[v];
    sb += b[v];
  }
  const [ma, mb] = [sa / n, sb / n];
  let [sab, saa, sbb] = [0, 0, 0];
  for (let v = 0; v < a.length; v++) {
    if (!keep(v)) continue;
    sab += (a[v] - ma) * (b[v] - mb);
    saa += (a[v] - ma) ** 2;
    sbb += (b[v] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
