/** The heatmap's value for voxels it must never colour (air): below any threshold. */
export const HEATMAP_AIR = -1;

/**
 * Slice k of a saliency map as the continuous heatmap shows it, written into `out` (one slice):
 * the saliency as a fraction of `max` (0–1; zero and negative saliency 0) inside the body, and
 * HEATMAP_AIR outside it. Returns whether any body voxel of the slice is salient.
 */
export function heatmapSlice(
  saliency: Float32Array,
  body: Uint8Array,
  max: number,
  k: number,
  out: Float32Array,
): boolean {
  const offset = k * out.length;
  let salient = false;
  for (let v = 0; v < out.length; v++) {
    const fraction = max > 0 ? Math.min(1, Math.max(0, saliency[offset + v] / max)) : 0;
    const inBody = body[offset + v] === 1;
    out[v] = inBody ? fraction : HEATMAP_AIR;
    if (inBody && fraction > 0) salient = true;
  }
  return salient;
}
