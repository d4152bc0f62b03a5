import { Roi } from '@xai-clip/engine';

/** 1 on the ROI's voxels of one slice (its box there, narrowed to its region when mask-shaped), 0 elsewhere. */
export function roiIndicator(roi: Roi, slice: number, nx: number, ny: number): Float32Array {
  const box = roi.sliceBoxes?.[slice] ?? (roi.sliceBoxes ? null : roi.box);
  const map = new Float32Array(nx * ny);
  if (!box) return map;
  const region = roi.mask?.subarray(slice * nx * ny, (slice + 1) * nx * ny);
  for (let j = box.min[1]; j < box.max[1]; j++)
    for (let i = box.min[0]; i < box.max[0]; i++) map[i + nx * j] = region && !region[i + nx * j] ? 0 : 1;
  return map;
}
