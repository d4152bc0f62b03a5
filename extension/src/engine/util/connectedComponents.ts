import { Vec3 } from '../volume/Volume';
import { voxelCount } from '../volume/volumeUtils';

/** The 6-connected components of a mask, as runs of one voxel list. */
export interface ComponentRuns {
  /** Every foreground voxel (storage index), component after component. */
  voxels: Int32Array;
  /** Component c is `voxels[ranges[c][0] … ranges[c][1])`, in the order their first voxel is met in storage order. */
  ranges: [number, number][];
}

/**
 * The 6-connected components of a binary mask (4-connected in 2-D, where nz = 1). Breadth-first
 * search with an explicit queue, so large volumes (512 × 512 × 100) cannot overflow the stack;
 * memory is one byte per voxel plus four per foreground voxel.
 *
 * @param mask One value per voxel of `dimensions`, in storage order; non-zero is foreground.
 * @param dimensions [nx, ny, nz] of the grid.
 */
export function connectedComponents(mask: ArrayLike<number>, dimensions: Vec3): ComponentRuns {
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

  // Components are appended to the queue one after the other.
  const queue = new Int32Array(foreground);
  const visited = new Uint8Array(total);
  let tail = 0;
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
  }
  return { voxels: queue, ranges };
}
