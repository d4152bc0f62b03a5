import { Box, boxContains, forEachVoxelInBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';

/*
 * The ROI on one explained image is its `box`, narrowed to `mask` (image-sized, 1 = inside)
 * where the ROI is mask-shaped (see Roi.mask). These helpers are the one place that reads both.
 */

/** Calls `visit(index, i, j, k)` for every ROI voxel of the image, in storage order. */
export function forEachRoiVoxel(
  box: Box,
  mask: Uint8Array | undefined,
  dimensions: Vec3,
  visit: (index: number, i: number, j: number, k: number) => void,
): void {
  forEachVoxelInBox(box, dimensions, (v, i, j, k) => {
    if (!mask || mask[v]) visit(v, i, j, k);
  });
}

/** Whether voxel `index` at (i, j, k) lies outside the ROI. */
export function isOutsideRoi(
  box: Box,
  mask: Uint8Array | undefined,
  index: number,
  i: number,
  j: number,
  k: number,
): boolean {
  return !boxContains(box, i, j, k) || (mask !== undefined && !mask[index]);
}

/** Number of ROI voxels. */
export function roiVoxelCount(box: Box, mask: Uint8Array | undefined, dimensions: Vec3): number {
  let count = 0;
  forEachRoiVoxel(box, mask, dimensions, () => count++);
  return count;
}

/** Whether `window` holds at least one ROI voxel. */
export function windowTouchesRoi(
  window: Box,
  box: Box,
  mask: Uint8Array | undefined,
  dimensions: Vec3,
): boolean {
  const overlap: Box = {
    min: [0, 1, 2].map((a) => Math.max(window.min[a], box.min[a])) as Vec3,
    max: [0, 1, 2].map((a) => Math.min(window.max[a], box.max[a])) as Vec3,
  };
  if (overlap.min.some((m, a) => m >= overlap.max[a])) return false;
  if (!mask) return true;
  let touches = false;
  forEachVoxelInBox(overlap, dimensions, (v) => {
    if (mask[v]) touches = true;
  });
  return touches;
}
