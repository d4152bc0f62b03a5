/** CT air and lung are far below soft tissue (about −1000 vs 0 HU): −500 HU splits them. */
export const CT_AIR_BELOW_HU = -500;
/**
 * MR has no absolute scale: air is noise near zero, tissue is bright. A percentile alone fails when
 * air fills most of the field of view, so air is what lies below a fraction of the robust maximum
 * (the 99th percentile, which a few hot voxels cannot move).
 */
export const MR_AIR_BELOW_FRACTION = 0.08;
const ROBUST_MAX_PERCENTILE = 0.99;
const HISTOGRAM_BINS = 4096;

/**
 * Where the body is (1) and where air is (0), from the image alone, so that an overlay never
 * colours air: CT below −500 HU, other modalities below 8 % of the 99th percentile are air.
 */
export function bodyMask(values: ArrayLike<number>, modality: string): Uint8Array {
  const airBelow =
    modality === 'CT' ? CT_AIR_BELOW_HU : MR_AIR_BELOW_FRACTION * percentile(values, ROBUST_MAX_PERCENTILE);
  const mask = new Uint8Array(values.length);
  for (let v = 0; v < values.length; v++) mask[v] = values[v] >= airBelow ? 1 : 0;
  return mask;
}

/** The p-quantile (0–1) of `values`, to a 1/4096 of their range (a histogram: no sort of millions). */
export function percentile(values: ArrayLike<number>, p: number): number {
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < values.length; v++) {
    if (values[v] < min) min = values[v];
    if (values[v] > max) max = values[v];
  }
  if (!(max > min)) return values.length ? min : 0;
  const width = (max - min) / HISTOGRAM_BINS;
  const counts = new Uint32Array(HISTOGRAM_BINS);
  for (let v = 0; v < values.length; v++)
    counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((values[v] - min) / width))]++;
  const wanted = p * values.length;
  let seen = 0;
  for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
    seen += counts[bin];
    if (seen >= wanted) return min + (bin + 1) * width;
  }
  return max;
}
