import { Volume } from '../volume/Volume';

/**
 * Fills each slice of `interpolated` in `saliency` by linear interpolation, along the slice index,
 * of the nearest explained slices below and above it (`explained`, ascending; each interpolated
 * slice must lie between two of them). Voxel by voxel: map_j = ((b − j)·map_a + (j − a)·map_b) / (b − a).
 */
export function interpolateSlices(
  saliency: Volume<Float32Array>,
  explained: number[],
  interpolated: number[],
): void {
  const plane = saliency.dimensions[0] * saliency.dimensions[1];
  const map = (k: number) => saliency.data.subarray(k * plane, (k + 1) * plane);
  for (const j of interpolated) {
    const above = explained.findIndex((k) => k > j);
    if (above < 1) throw new Error(`Slice ${j} has no explained slice on both sides to interpolate from.`);
    const [a, b] = [explained[above - 1], explained[above]];
    const [below, over, out] = [map(a), map(b), map(j)];
    const t = (j - a) / (b - a);
    for (let v = 0; v < plane; v++) out[v] = (1 - t) * below[v] + t * over[v];
  }
}
