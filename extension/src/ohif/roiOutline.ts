import { Box } from '../engine/volume/Box';
import { Vec3 } from '../engine/volume/Volume';

/**
 * A 0/1 volume with the outline (`thickness` voxels wide) of each explained image's ROI box,
 * for showing where perturbations were allowed. `slice` null means a 3-D box over the volume.
 */
export function roiOutline(
  boxes: { slice: number | null; box: Box }[],
  dimensions: Vec3,
  thickness = 2,
): Uint8Array {
  const [nx, ny, nz] = dimensions;
  const outline = new Uint8Array(nx * ny * nz);
  for (const { slice, box } of boxes) {
    const [k0, k1] = slice === null ? [box.min[2], box.max[2]] : [slice, slice + 1];
    for (let k = k0; k < k1; k++) {
      for (let j = box.min[1]; j < box.max[1]; j++) {
        for (let i = box.min[0]; i < box.max[0]; i++) {
          const nearEdge =
            i - box.min[0] < thickness ||
            box.max[0] - 1 - i < thickness ||
            j - box.min[1] < thickness ||
            box.max[1] - 1 - j < thickness;
          if (nearEdge) outline[i + nx * (j + ny * k)] = 1;
        }
      }
    }
  }
  return outline;
}
