import { connectedComponents } from '../util/connectedComponents';
import { Box } from './Box';
import { Vec3, Volume } from './Volume';

/** One connected component of a mask on the volume grid. */
export interface MaskComponent {
  /** 1-based rank by size (1: the largest). */
  index: number;
  voxels: number;
  /** Volume in mL (voxels × voxel volume). */
  ml: number;
  /** Bounding box on the volume grid (max exclusive). */
  box: Box;
  /** Mean voxel position (i, j, k) on the volume grid. */
  centroid: Vec3;
  /** Its voxels' storage indices on the volume grid. */
  voxelIndices: Int32Array;
}

/**
 * The 6-connected components of a 0/1 mask on `volume`'s grid, largest first (ties: the one met
 * first in storage order), counted on slices `[first, end)` only (default: all), so that a
 * component of a slab or a slice (2-D, 4-connected) is the part the explained slices show.
 */
export function maskComponents(
  mask: Uint8Array,
  volume: Pick<Volume, 'dimensions' | 'spacing'>,
  slices: [first: number, end: number] = [0, volume.dimensions[2]],
): MaskComponent[] {
  const [nx, ny, nz] = volume.dimensions;
  const [first, end] = slices;
  if (!(Number.isInteger(first) && Number.isInteger(end) && first >= 0 && first < end && end <= nz)) {
    throw new RangeError(`Slices [${first}, ${end}) are not a slice range of the ${nz}-slice volume.`);
  }
  if (mask.length !== nx * ny * nz) {
    throw new RangeError(
      `The mask has ${mask.length} values but the volume ${volume.dimensions.join('×')} needs ${nx * ny * nz}.`,
    );
  }
  const plane = nx * ny;
  const offset = first * plane;
  const { voxels, ranges } = connectedComponents(mask.subarray(offset, end * plane), [nx, ny, end - first]);
  const voxelMl = volume.spacing.reduce((product, s) => product * s, 1) / 1000;
  return ranges
    .map(([start, stop]) => {
      const voxelIndices = voxels.slice(start, stop).map((v) => v + offset);
      return {
        voxels: voxelIndices.length,
        ml: voxelIndices.length * voxelMl,
        ...extentOf(voxelIndices, nx, ny),
        voxelIndices,
      };
    })
    .sort((a, b) => b.voxels - a.voxels)
    .map((component, n) => ({ index: n + 1, ...component }));
}

/** The bounding box and mean position of voxels given by storage index. */
function extentOf(indices: Int32Array, nx: number, ny: number): { box: Box; centroid: Vec3 } {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  const sum: Vec3 = [0, 0, 0];
  for (const v of indices) {
    const at = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      min[a] = Math.min(min[a], at[a]);
      max[a] = Math.max(max[a], at[a] + 1);
      sum[a] += at[a];
    }
  }
  return { box: { min, max }, centroid: sum.map((s) => s / indices.length) as Vec3 };
}
