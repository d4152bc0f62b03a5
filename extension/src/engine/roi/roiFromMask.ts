import { dilateInPlane } from '../util/dilateInPlane';
import { Box, boundingBoxOf, dilateBox, fullBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { Roi, RoiShape, RoiSource } from './Roi';

export interface RoiFromMaskOptions {
  source?: RoiSource;
  /** Why the ROI falls back to the whole volume when the mask is empty. */
  emptyReason?: string;
  /**
   * Slice k's box covers the mask on slices k − c … k + c. Organs change slowly along z, so a
   * pole slice where the mask misses (or only grazes) the organ still gets the extent of its
   * neighbours. 0: each slice's box is the mask on that slice alone.
   */
  contextSlices?: number;
  /** 'box' (default): bounding boxes as above. 'mask': the region itself, see `maskShapedRoi`. */
  shape?: RoiShape;
  /** Mask shape only: in-plane growth [i, j] in voxels on top of the margin. */
  extraDilation?: [number, number];
}

/**
 * ROI = bounding box of a mask on the volume grid, dilated by `margin` voxels per axis, with
 * a box per slice for slice-wise (2-D) explanations. An empty mask falls back to the whole
 * volume and says why.
 */
export function roiFromMask(
  mask: Uint8Array,
  dimensions: Vec3,
  margin: Vec3,
  options: RoiFromMaskOptions = {},
): Roi {
  const { source = 'mask', emptyReason = 'the mask is empty', contextSlices = 0 } = options;
  const box = boundingBoxOf(mask, dimensions);
  if (!box) {
    return { source, box: fullBox(dimensions), fallbackReason: `${emptyReason}; using the whole image` };
  }
  if (options.shape === 'mask') {
    return maskShapedRoi(mask, dimensions, margin, contextSlices, options.extraDilation ?? [0, 0], source);
  }
  const [nx, ny, nz] = dimensions;
  const plane = nx * ny;
  const planeBoxes = Array.from({ length: nz }, (_, k) =>
    k >= box.min[2] && k < box.max[2]
      ? boundingBoxOf(mask.subarray(k * plane, (k + 1) * plane), [nx, ny, 1])
      : null,
  );
  const sliceBoxes: (Box | null)[] = [];
  for (let k = 0; k < nz; k++) {
    let union: Box | null = null;
    for (let n = Math.max(0, k - contextSlices); n <= Math.min(nz - 1, k + contextSlices); n++) {
      const b = planeBoxes[n];
      if (!b) continue;
      union = union
        ? {
            min: [Math.min(union.min[0], b.min[0]), Math.min(union.min[1], b.min[1]), k],
            max: [Math.max(union.max[0], b.max[0]), Math.max(union.max[1], b.max[1]), k + 1],
          }
        : { min: [b.min[0], b.min[1], k], max: [b.max[0], b.max[1], k + 1] };
    }
    sliceBoxes.push(union && dilateBox(union, [margin[0], margin[1], 0], dimensions));
  }
  const withContext: Box = {
    min: [box.min[0], box.min[1], box.min[2] - contextSlices],
    max: [box.max[0], box.max[1], box.max[2] + contextSlices],
  };
  return { source, box: dilateBox(withContext, margin, dimensions), sliceBoxes };
}

/**
 * A mask-shaped ROI: slice k's region is the mask on slices k − r … k + r (r = contextSlices +
 * the margin across slices, as the boxes' context), grown in-plane by an ellipse of the margin
 * + `extraDilation` voxels. The boxes bound the regions.
 */
function maskShapedRoi(
  mask: Uint8Array,
  dimensions: Vec3,
  margin: Vec3,
  contextSlices: number,
  extraDilation: [number, number],
  source: RoiSource,
): Roi {
  const [nx, ny, nz] = dimensions;
  const plane = nx * ny;
  const reach = contextSlices + margin[2];
  // A sliding count over slices k − reach … k + reach: one pass, whatever the reach.
  const counts = new Uint16Array(plane);
  const add = (n: number, step: number) => {
    if (n < 0 || n >= nz) return;
    for (let p = 0, v = n * plane; p < plane; p++, v++) if (mask[v]) counts[p] += step;
  };
  for (let n = 0; n < reach; n++) add(n, 1);
  const stacked = new Uint8Array(mask.length);
  for (let k = 0; k < nz; k++) {
    add(k + reach, 1);
    add(k - reach - 1, -1);
    for (let p = 0, v = k * plane; p < plane; p++, v++) stacked[v] = counts[p] > 0 ? 1 : 0;
  }
  const region = dilateInPlane(stacked, dimensions, [
    margin[0] + extraDilation[0],
    margin[1] + extraDilation[1],
  ]);
  const sliceBoxes = Array.from({ length: nz }, (_, k) => {
    const b = boundingBoxOf(region.subarray(k * plane, (k + 1) * plane), [nx, ny, 1]);
    return b && { min: [b.min[0], b.min[1], k] as Vec3, max: [b.max[0], b.max[1], k + 1] as Vec3 };
  });
  return { source, box: boundingBoxOf(region, dimensions)!, sliceBoxes, mask: region };
}
