import { VolumeReadError } from './VolumeReadError';

/**
 * Voxel edges (mm) an image of a body can have: finer than 10 µm or coarser than half a metre means
 * the header's numbers or units are wrong, and such a grid would make every millimetre-sized option
 * (window, margin, stride) span millions of voxels or none.
 */
export const VOXEL_SIZE_RANGE_MM: readonly [number, number] = [0.01, 500];

/**
 * Refuses a voxel size that is not a positive finite number of millimetres in VOXEL_SIZE_RANGE_MM.
 * `source` names the header fields it came from and `fix` says how to correct them.
 */
export function checkVoxelSize(path: string, spacing: readonly number[], source: string, fix: string): void {
  const [min, max] = VOXEL_SIZE_RANGE_MM;
  if (spacing.every((v) => v >= min && v <= max)) return;
  const shown = spacing.map((v) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v)).join(' × ');
  throw new VolumeReadError(
    path,
    `${path} gives voxels of ${shown} mm (from ${source}), outside the ${min}–${max} mm an image of a body can ` +
      `have. ${fix}`,
  );
}
