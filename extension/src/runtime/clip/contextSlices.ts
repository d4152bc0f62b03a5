/** A CLIP ROI context in mm along the slice axis as whole slices at the series' slice spacing. */
export function contextSlices(contextMm: number, sliceSpacingMm: number): number {
  return contextMm > 0 ? Math.round(contextMm / sliceSpacingMm) : 0;
}
