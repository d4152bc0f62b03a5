import { Vec3, Volume, VoxelArray, IDENTITY_DIRECTION } from './Volume';

/** Number of voxels of a grid. */
export function voxelCount(dimensions: Vec3): number {
  return dimensions[0] * dimensions[1] * dimensions[2];
}

/** Builds a volume, checking that the voxel array matches the grid. */
export function createVolume<T extends VoxelArray>(
  data: T,
  dimensions: Vec3,
  geometry: Partial<Pick<Volume, 'spacing' | 'origin' | 'direction'>> = {},
): Volume<T> {
  const expected = voxelCount(dimensions);
  if (data.length !== expected) {
    throw new Error(
      `Voxel array has ${data.length} values but the grid ${dimensions.join('×')} needs ${expected}.`,
    );
  }
  return {
    data,
    dimensions: [...dimensions] as Vec3,
    spacing: geometry.spacing ? ([...geometry.spacing] as Vec3) : [1, 1, 1],
    origin: geometry.origin ? ([...geometry.origin] as Vec3) : [0, 0, 0],
    direction: geometry.direction ? [...geometry.direction] : [...IDENTITY_DIRECTION],
  };
}

/** World position (mm) of voxel (i, j, k). */
export function voxelToWorld(volume: Volume, i: number, j: number, k: number): Vec3 {
  const { origin: o, spacing: s, direction: d } = volume;
  const a = i * s[0];
  const b = j * s[1];
  const c = k * s[2];
  return [
    o[0] + a * d[0] + b * d[3] + c * d[6],
    o[1] + a * d[1] + b * d[4] + c * d[7],
    o[2] + a * d[2] + b * d[5] + c * d[8],
  ];
}

/**
 * Slice k as a 2-D volume (nz = 1) that shares the voxel buffer: no copy, since k is the
 * outermost index. Writing into the slice writes into the volume.
 */
export function sliceOf<T extends VoxelArray>(volume: Volume<T>, k: number): Volume<T> {
  const [nx, ny, nz] = volume.dimensions;
  if (!Number.isInteger(k) || k < 0 || k >= nz) {
    throw new RangeError(`Slice ${k} is outside the volume, which has slices 0…${nz - 1}.`);
  }
  const plane = nx * ny;
  return {
    data: volume.data.subarray(k * plane, (k + 1) * plane) as T,
    dimensions: [nx, ny, 1],
    spacing: [...volume.spacing] as Vec3,
    origin: voxelToWorld(volume, 0, 0, k),
    direction: [...volume.direction],
  };
}

/** A new volume with the same geometry and a new voxel array (zero-filled Float32 by default). */
export function like<T extends VoxelArray = Float32Array>(volume: Volume, data?: T): Volume<T> {
  const values = (data ?? new Float32Array(voxelCount(volume.dimensions))) as T;
  return createVolume(values, volume.dimensions, volume);
}

/** The voxels as Float32 (a view when they already are). */
export function asFloat32(volume: Volume): Volume<Float32Array> {
  if (volume.data instanceof Float32Array) return volume as Volume<Float32Array>;
  return like(volume, Float32Array.from(volume.data));
}
