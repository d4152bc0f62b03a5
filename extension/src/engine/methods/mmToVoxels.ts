import { Vec3 } from '../volume/Volume';

/**
 * Converts a length in mm (one value for all axes, or one per axis) to whole voxels per axis,
 * at least 1. Axes of size 1 (the slice axis of a 2-D image) get 1.
 */
export function mmToVoxels(lengthMm: number | Vec3, spacing: Vec3, dimensions: Vec3): Vec3 {
  const perAxis = typeof lengthMm === 'number' ? [lengthMm, lengthMm, lengthMm] : lengthMm;
  return [0, 1, 2].map((axis) =>
    dimensions[axis] === 1 ? 1 : Math.max(1, Math.round(perAxis[axis] / spacing[axis])),
  ) as Vec3;
}
