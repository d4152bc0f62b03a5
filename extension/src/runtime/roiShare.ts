import { ImageReport } from '../engine/explain/explainVolume';
import { Vec3 } from '../engine/volume/Volume';

/**
 * How much of what was explained the ROI covered: the voxels of each explained image's own ROI
 * (a slice's box or region, or a 3-D model's box narrowed to its explained slices) over the voxels
 * of the explained slices. The ROI's 3-D box is not used: it also spans the context slices the
 * CLIP looked at.
 */
export function roiShare(
  images: ImageReport[],
  explainedSlices: number[],
  dimensions: Vec3,
): { voxels: number; fraction: number } {
  const voxels = images.reduce((sum, image) => sum + image.roiVoxels, 0);
  const explained = explainedSlices.length * dimensions[0] * dimensions[1];
  return { voxels, fraction: explained > 0 ? Math.min(1, voxels / explained) : 0 };
}
