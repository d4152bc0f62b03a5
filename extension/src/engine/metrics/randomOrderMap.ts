import { createRandom } from '../util/random';

/**
 * A seeded random map over `voxels` of an image of `size` (0 elsewhere): the baseline a map's
 * deletion/insertion AUC is read against, ordering the same voxels without any knowledge.
 */
export function randomOrderMap(size: number, voxels: ArrayLike<number>, seed: number): Float32Array {
  const map = new Float32Array(size);
  const random = createRandom(seed);
  for (let n = 0; n < voxels.length; n++) map[voxels[n]] = random();
  return map;
}
