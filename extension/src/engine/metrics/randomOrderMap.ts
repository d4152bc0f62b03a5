import { createRandom } from '../util/random';
import { Vec3 } from '../volume/Volume';

/**
 * A seeded random map over `voxels` of an image of `dimensions` (0 elsewhere): the baseline a
 * map's deletion/insertion AUC is read against, ordering the same voxels without any knowledge.
 * With `patch` (voxels per axis) the value is drawn once per patch of that size, so the order
 * removes whole patches, as a map of windows or superpixels does; voxel by voxel (the default),
 * the removed voxels are scattered noise, which a CNN's score can fall under much faster than
 * under any coherent region's removal.
 */
export function randomOrderMap(
  dimensions: Vec3,
  voxels: ArrayLike<number>,
  seed: number,
  patch: Vec3 = [1, 1, 1],
): Float32Array {
  const [nx, ny] = dimensions;
  const [px, py, pz] = dimensions.map((n, axis) => Math.ceil(n / patch[axis]));
  const random = createRandom(seed);
  const patchValues = Float32Array.from({ length: px * py * pz }, () => random());
  const map = new Float32Array(nx * ny * dimensions[2]);
  for (let n = 0; n < voxels.length; n++) {
    const v = voxels[n];
    const [i, j, k] = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    map[v] =
      patchValues[Math.floor(i / patch[0]) + px * (Math.floor(j / patch[1]) + py * Math.floor(k / patch[2]))];
  }
  return map;
}
