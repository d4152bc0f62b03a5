import { createVolume, Vec3, Volume, VoxelArray, voxelToWorld } from '@xai-clip/engine';

/** Slices first … end − 1 of a volume as a volume of their own (a copy, the same geometry). */
export function slabOf<T extends VoxelArray>(volume: Volume<T>, first: number, end: number): Volume<T> {
  const [nx, ny] = volume.dimensions;
  const plane = nx * ny;
  const data = volume.data.slice(first * plane, end * plane) as T;
  return createVolume(data, [nx, ny, end - first], {
    spacing: [...volume.spacing] as Vec3,
    origin: voxelToWorld(volume, 0, 0, first),
    direction: [...volume.direction],
  });
}
