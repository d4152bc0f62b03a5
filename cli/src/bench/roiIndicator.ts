import { forEachRoiVoxel, Roi } from '@xai-clip/engine';

/** 1 on the ROI's voxels of one slice (its box there, narrowed to its region when mask-shaped), 0 elsewhere. */
export function roiIndicator(roi: Roi, slice: number, nx: number, ny: number): Float32Array {
  const box = roi.sliceBoxes?.[slice] ?? (roi.sliceBoxes ? null : roi.box);
  const map = new Float32Array(nx * ny);
  if (!box) return map;
  const plane = { min: [box.min[0], box.min[1], 0], max: [box.max[0], box.max[1], 1] } as typeof box;
  const region = roi.mask?.subarray(slice * nx * ny, (slice + 1) * nx * ny);
  forEachRoiVoxel(plane, region, [nx, ny, 1], (v) => (map[v] = 1));
  return map;
}
