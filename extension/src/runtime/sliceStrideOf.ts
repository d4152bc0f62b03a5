/**
 * How far apart an 'auto' slice stride puts the perturbed slices, in mm. On the CHAOS CT liver slab
 * (75 slices of 2 mm, CLIP ROI, coarse-to-fine) against every slice in one round (19,109 passes):
 * every slice 12,650 passes, top-|GT| IoU 0.860 and r 0.980 with the exhaustive map; every 4th
 * 3,303, 0.867, 0.973; every 6th 2,174, 0.852, 0.958; every 8th (16 mm) 1,649, 0.842, 0.952: within
 * 5 min at up to 180 ms per pass in the browser. On 7.7 mm MR slices it is every 2nd slice.
 */
export const AUTO_SLICE_STRIDE_MM = 16;

/**
 * The slice stride a request asks for on slices `sliceSpacingMm` apart: its number, or for
 * 'auto' the whole number of slices nearest to AUTO_SLICE_STRIDE_MM (at least 1); 1 when unset.
 */
export function sliceStrideOf(stride: number | 'auto' | undefined, sliceSpacingMm: number): number {
  if (stride !== 'auto') return stride ?? 1;
  return Math.max(1, Math.round(AUTO_SLICE_STRIDE_MM / sliceSpacingMm));
}
