import { Box } from './Box';
import { firstDifference } from './firstDifference';
import { Vec3 } from './Volume';

/**
 * The bounding box of the voxels where `image` differs from `reference` (same grid, compared bit
 * for bit); null when they are equal. Finds the first and last differing lines (i fastest) from
 * both ends, then widens the box only with what lies outside it, so a small change (an occlusion
 * window) costs about one pass over the image and a change everywhere (a RISE mask) a few lines.
 */
export function changedBox(image: Float32Array, reference: Float32Array, dimensions: Vec3): Box | null {
  const [nx, ny] = dimensions;
  // Integer views: a comparison per voxel without float semantics (NaN equals itself, −0 ≠ +0).
  const a = new Uint32Array(image.buffer, image.byteOffset, image.length);
  const b = new Uint32Array(reference.buffer, reference.byteOffset, reference.length);
  const size = image.length;
  const first = firstDifference(image, reference);
  if (first === size) return null;
  let last = size - 1;
  while (a[last] === b[last]) last--;
  const firstLine = Math.floor(first / nx);
  const lastLine = Math.floor(last / nx);
  const min: Vec3 = [nx, ny, Math.floor(firstLine / ny)];
  const max: Vec3 = [0, 0, Math.floor(lastLine / ny) + 1];
  for (let line = firstLine; line <= lastLine; line++) {
    const j = line % ny;
    const start = line * nx;
    // A line outside the box's j range is searched whole; one inside only beyond its i range.
    const inside = j >= min[1] && j < max[1];
    let low = 0;
    const lowEnd = inside ? min[0] : nx;
    while (low < lowEnd && a[start + low] === b[start + low]) low++;
    let high = nx - 1;
    const highEnd = inside ? max[0] : low;
    while (high >= highEnd && a[start + high] === b[start + high]) high--;
    const found = low < lowEnd || high >= highEnd;
    if (!found) continue;
    if (low < lowEnd && low < min[0]) min[0] = low;
    if (high >= highEnd && high + 1 > max[0]) max[0] = high + 1;
    if (j < min[1]) min[1] = j;
    if (j + 1 > max[1]) max[1] = j + 1;
  }
  return { min, max };
}
