import { Vec3 } from '../volume/Volume';
import { voxelCount } from '../volume/volumeUtils';

/**
 * Keeps the largest 6-connected component of a binary mask (4-connected in 2-D, where nz = 1),
 * and, with `keepFraction` < 1, every other component of at least that fraction of its size.
 *
 * Cleans thresholded or predicted masks (stray islands) before they are used as an ROI. Breadth-first
 * search with an explicit queue, so large volumes (512 × 512 × 100) cannot overflow the stack; memory
 * is one byte per voxel plus four per foreground voxel. On ties the component met first in storage
 * order wins.
 *
 * @param mask One value per voxel of `dimensions`, in storage order; non-zero is foreground.
 * @param dimensions [nx, ny, nz] of the grid.
 * @param keepFraction 1 (default): the largest component only; below 1, also the components of
 *   at least this fraction of the largest one's voxels.
 * @returns A new mask of the same length, 1 on the kept components and 0 elsewhere (all 0 when
 *   the input is empty).
 */
export function largestConnectedComponent(mask: Uint8Array, dimensions: Vec3, keepFraction = 1): Uint8Array {
  const [nx, ny, nz] = dimensions;
  const total = voxelCount(dimensions);
  if (mask.length !== total) {
    throw new RangeError(
      `The mask has ${mask.length} values but the grid ${dimensions.join('×')} needs ${total}.`,
    );
  }
  const plane = nx * ny;
  let foreground = 0;
  for (let index = 0; index < total; index++) if (mask[index]) foreground++;

  // Components are appended to the queue one after the other; the largest is a slice of it.
  const queue = new Int32Array(foreground);
  const visited = new Uint8Array(total);
  let tail = 0;
  let bestStart = 0;
  let bestEnd = 0;
  // Each component's [start, end) in the queue, for keepFraction < 1.
  const ranges: [number, number][] = [];
  const enqueue = (index: number): void => {
    if (mask[index] && !visited[index]) {
      visited[index] = 1;
      queue[tail++] = index;
    }
  };
  for (let seed = 0; seed < total; seed++) {
    if (!mask[seed] || visited[seed]) continue;
    const start = tail;
    enqueue(seed);
    for (let head = start; head < tail; head++) {
      const index = queue[head];
      const row = (index / nx) | 0;
      const i = index - row * nx;
      const k = (row / ny) | 0;
      const j = row - k * ny;
      if (i > 0) enqueue(index - 1);
      if (i < nx - 1) enqueue(index + 1);
      if (j > 0) enqueue(index - nx);
      if (j < ny - 1) enqueue(index + nx);
      if (k > 0) enqueue(index - plane);
      if (k < nz - 1) enqueue(index + plane);
    }
    ranges.push([start, tail]);
    if (tail - start > bestEnd - bestStart) {
      bestStart = start;
      bestEnd = tail;
    }
  }

  const kept =
    keepFraction >= 1
      ? [[bestStart, bestEnd]]
      : ranges.filter(([start, end]) => end - start >= keepFraction * (bestEnd - bestStart));
  const result = new Uint8Array(total);
  for (const [start, end] of kept) for (let q = start; q < end; q++) result[queue[q]] = 1;
  return result;
}
