import { ImageReport } from '../engine/explain/explainVolume';
import { Vec3 } from '../engine/volume/Volume';

/**
 * How much of what was explained the ROI covered: the voxels of each explained image's own ROI
 * (a slice's box or region, or the 3-D one for a 3-D model) over the voxels of those images. The
 * ROI's 3-D box is not used for slices: it also spans the context slices the CLIP looked at.
 */
export function roiShare(images: ImageReport[], dimensions: Vec3): { voxels: number; fraction: number } {
  const [nx, ny, nz] = dimensions;
  let voxels = 0;
  let explained = 0;
  for (const image of images) {
    voxels += image.roiVoxels;
    explained += image.slice === null ? nx * ny * nz : nx * ny;
  }
  return { voxels, fraction: explained > 0 ? Math.min(1, voxels / explained) : 0 };
}
