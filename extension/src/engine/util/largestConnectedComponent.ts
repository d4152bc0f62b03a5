import { Vec3 } from '../volume/Volume';
import { connectedComponents } from './connectedComponents';

/**
 * Keeps the largest 6-connected component of a binary mask (4-connected in 2-D, where nz = 1),
 * and, with `keepFraction` < 1, every other component of at least that fraction of its size.
 *
 * Cleans thresholded or predicted masks (stray islands) before they are used as an ROI. On ties
 * the component met first in storage order wins.
 *
 * @param mask One value per voxel of `dimensions`, in storage order; non-zero is foreground.
 * @param dimensions [nx, ny, nz] of the grid.
 * @param keepFraction 1 (default): the largest component only; below 1, also the components of
 *   at least this fraction of the largest one's voxels.
 * @returns A new mask of the same length, 1 on the kept components and 0 elsewhere (all 0 when
 *   the input is empty).
 */
export function largestConnectedComponent(mask: Uint8Array, dimensions: Vec3, keepFraction = 1): Uint8Array {
  const { voxels, ranges } = connectedComponents(mask, dimensions);
  const size = ([start, end]: [number, number]) => end - start;
  const largest = ranges.reduce((best, range) => (size(range) > size(best) ? range : best), [0, 0]);
  const kept =
    keepFraction >= 1 ? [largest] : ranges.filter((range) => size(range) >= keepFraction * size(largest));
  const result = new Uint8Array(mask.length);
  for (const [start, end] of kept) for (let q = start; q < end; q++) result[voxels[q]] = 1;
  return result;
}
