import { Box, boundingBoxOf, dilateBox, fullBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { Roi, RoiSource } from './Roi';

/**
 * ROI = bounding box of a mask on the volume grid, dilated by `margin` voxels per axis, with
 * a box per slice for slice-wise (2-D) explanations. An empty mask falls back to the whole
 * volume and says why.
 */
export function roiFromMask(
  mask: Uint8Array,
  dimensions: Vec3,
  margin: Vec3,
  source: RoiSource = 'mask',
  emptyReason = 'the mask is empty',
): Roi {
  const box = boundingBoxOf(mask, dimensions);
  if (!box) {
    return { source, box: fullBox(dimensions), fallbackReason: `${emptyReason}; using the whole image` };
  }
  const [nx, ny, nz] = dimensions;
  const plane = nx * ny;
  const sliceBoxes: (Box | null)[] = [];
  for (let k = 0; k < nz; k++) {
    const inSlab = k >= box.min[2] && k < box.max[2];
    const sliceBox = inSlab ? boundingBoxOf(mask.subarray(k * plane, (k + 1) * plane), [nx, ny, 1]) : null;
    sliceBoxes.push(
      sliceBox
        ? dilateBox(
            { min: [sliceBox.min[0], sliceBox.min[1], k], max: [sliceBox.max[0], sliceBox.max[1], k + 1] },
            [margin[0], margin[1], 0],
            dimensions,
          )
        : null,
    );
  }
  return { source, box: dilateBox(box, margin, dimensions), sliceBoxes };
}
