import { Box } from '../engine/volume/Box';
import { Vec3 } from '../engine/volume/Volume';

/**
 * A 0/1 volume with the outline (`thickness` voxels wide) of each explained image's ROI, for
 * showing where perturbations were allowed: the box's edge, or for a mask-shaped ROI (`region`,
 * volume grid) the region's voxels within `thickness` of its border. `slice` null means a 3-D
 * ROI over the volume.
 */
export function roiOutline(
  boxes: { slice: number | null; box: Box }[],
  dimensions: Vec3,
  thickness = 2,
  region?: Uint8Array,
): Uint8Array {
  const [nx, ny, nz] = dimensions;
  const outline = new Uint8Array(nx * ny * nz);
  const inRegion = (i: number, j: number, plane: number) =>
    i >= 0 && i < nx && j >= 0 && j < ny && region![plane + i + nx * j] === 1;
  const nearRegionEdge = (i: number, j: number, plane: number) => {
    for (let d = 1; d <= thickness; d++) {
      const inside =
        inRegion(i - d, j, plane) &&
        inRegion(i + d, j, plane) &&
        inRegion(i, j - d, plane) &&
        inRegion(i, j + d, plane);
      if (!inside) return true;
    }
    return false;
  };
  for (const { slice, box } of boxes) {
    const [k0, k1] = slice === null ? [box.min[2], box.max[2]] : [slice, slice + 1];
    for (let k = k0; k < k1; k++) {
      const plane = nx * ny * k;
      for (let j = box.min[1]; j < box.max[1]; j++) {
        for (let i = box.min[0]; i < box.max[0]; i++) {
          if (region && !inRegion(i, j, plane)) continue;
          const nearEdge = region
            ? nearRegionEdge(i, j, plane)
            : i - box.min[0] < thickness ||
              box.max[0] - 1 - i < thickness ||
              j - box.min[1] < thickness ||
              box.max[1] - 1 - j < thickness;
          if (nearEdge) outline[plane + i + nx * j] = 1;
        }
      }
    }
  }
  return outline;
}
