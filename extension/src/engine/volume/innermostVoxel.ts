import { MaskComponent } from './maskComponents';

/**
 * The voxel of a component nearest its centroid (storage index on the component's grid of row
 * length `nx` and plane `nx · ny`): a point that lies inside the component even where its
 * centroid does not (a C-shaped piece), to pick it by or to click on.
 */
export function innermostVoxel(
  component: Pick<MaskComponent, 'voxelIndices' | 'centroid'>,
  nx: number,
  ny: number,
): number {
  const [ci, cj, ck] = component.centroid;
  let best = component.voxelIndices[0];
  let nearest = Infinity;
  for (const v of component.voxelIndices) {
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    const distance = (i - ci) ** 2 + (j - cj) ** 2 + (k - ck) ** 2;
    if (distance < nearest) [nearest, best] = [distance, v];
  }
  return best;
}
