import { pearsonCorrelation } from './pearsonCorrelation';

/**
 * Spearman rank correlation of two maps over the voxels `keep` accepts: the Pearson correlation of
 * their ranks, tied values sharing their mean rank (a map that is 0 over most voxels is one tie).
 * NaN when either map is constant there.
 */
export function spearmanCorrelation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  keep: (v: number) => boolean = () => true,
): number {
  if (a.length !== b.length) {
    throw new Error(`Maps differ in size (${a.length} vs ${b.length} voxels); they must share one grid.`);
  }
  const kept: number[] = [];
  for (let v = 0; v < a.length; v++) if (keep(v)) kept.push(v);
  return pearsonCorrelation(ranks(a, kept), ranks(b, kept));
}

/** The ranks (1-based, ties averaged) of `values` at the indices `kept`, in their order. */
function ranks(values: ArrayLike<number>, kept: number[]): Float64Array {
  const order = kept.map((_, n) => n).sort((x, y) => values[kept[x]] - values[kept[y]]);
  const out = new Float64Array(kept.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[kept[order[end]]] === values[kept[order[start]]]) end++;
    const mean = (start + 1 + end) / 2;
    for (let n = start; n < end; n++) out[order[n]] = mean;
    start = end;
  }
  return out;
}
