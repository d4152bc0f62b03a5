import { ImageReport } from '../explain/explainImage';
import { forEachRoiVoxel } from '../roi/roiVoxels';
import { Vec3 } from '../volume/Volume';

/**
 * The voxels an explanation ranked (volume grid, 1 inside): each explained image's ROI (its box, or
 * its region for a mask-shaped ROI; the whole image without one) on the explained slices. What the
 * sanity checks correlate maps over: outside, every map is 0 by construction.
 */
export function explainedVoxels(
  result: { images: Pick<ImageReport, 'slice' | 'roi' | 'roiMask'>[]; explainedSlices: number[] },
  dimensions: Vec3,
): Uint8Array {
  const plane = dimensions[0] * dimensions[1];
  const out = new Uint8Array(plane * dimensions[2]);
  const explained = new Set(result.explainedSlices);
  for (const image of result.images) {
    // A 2-D model's image is one slice (its own z = 0); a 3-D model's is the volume.
    const [offset, imageDimensions]: [number, Vec3] =
      image.slice === null ? [0, dimensions] : [image.slice * plane, [dimensions[0], dimensions[1], 1]];
    forEachRoiVoxel(image.roi, image.roiMask, imageDimensions, (v, _i, _j, k) => {
      if (explained.has(image.slice ?? k)) out[offset + v] = 1;
    });
  }
  return out;
}
