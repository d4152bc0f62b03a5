/**
 * How far apart an 'auto' slice stride puts the perturbed slices, in mm: on the CHAOS CT liver
 * slab (2 mm slices, stride 4) the map agrees with the every-slice map (see README, Benchmark);
 * on 7.7 mm MR slices it is every slice.
 */
export const AUTO_SLICE_STRIDE_MM = 8;

/**
 * The slice stride a request asks for on slices `sliceSpacingMm` apart: its number, or for
 * 'auto' the whole number of slices nearest to AUTO_SLICE_STRIDE_MM (at least 1); 1 when unset.
 */
export function sliceStrideOf(stride: number | 'auto' | undefined, sliceSpacingMm: number): number {
  if (stride !== 'auto') return stride ?? 1;
  return Math.max(1, Math.round(AUTO_SLICE_STRIDE_MM / sliceSpacingMm));
}
