import { Vec3, VoxelArray } from '../volume/Volume';
import { voxelCount } from '../volume/volumeUtils';

/**
 * Nearest-neighbour resampling of a grid to another size over the same extent, for label maps
 * (segmentations, superpixels), whose values must not be blended.
 *
 * Uses the pixel-centre convention of `resampleLinear`: destination voxel d takes the source voxel
 * whose centre is nearest to (d + 0.5)·(nₛ / n_d) − 0.5, i.e. index ⌊(d + 0.5)·nₛ / n_d⌋ (torch's
 * `nearest-exact`). Per-axis offset tables are built once per call.
 *
 * @param source Values of the source grid in storage order (i fastest).
 * @param sourceDimensions [nx, ny, nz] of the source.
 * @param targetDimensions [nx, ny, nz] of the result.
 * @param out Array of the target's voxel count to write into (its type is the label type kept).
 * @returns `out`.
 */
export function resampleNearest<T extends VoxelArray>(
  source: ArrayLike<number>,
  sourceDimensions: Vec3,
  targetDimensions: Vec3,
  out: T,
): T {
  if (source.length !== voxelCount(sourceDimensions)) {
    throw new RangeError(`The source has ${source.length} values, not ${sourceDimensions.join('×')}.`);
  }
  const targetCount = voxelCount(targetDimensions);
  if (out.length !== targetCount) {
    throw new RangeError(
      `The output has ${out.length} values but ${targetDimensions.join('×')} needs ${targetCount}.`,
    );
  }
  const [nx, ny, nz] = targetDimensions;
  const offsetsX = nearestOffsets(sourceDimensions[0], nx, 1);
  const offsetsY = nearestOffsets(sourceDimensions[1], ny, sourceDimensions[0]);
  const offsetsZ = nearestOffsets(sourceDimensions[2], nz, sourceDimensions[0] * sourceDimensions[1]);
  let index = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = offsetsZ[k] + offsetsY[j];
      for (let i = 0; i < nx; i++) out[index++] = source[row + offsetsX[i]];
    }
  }
  return out;
}

/** Source offset (index × stride) of the nearest source sample for each of `size` targets. */
function nearestOffsets(sourceSize: number, size: number, stride: number): Int32Array {
  const offsets = new Int32Array(size);
  for (let d = 0; d < size; d++) {
    offsets[d] = Math.min(sourceSize - 1, Math.floor(((d + 0.5) * sourceSize) / size)) * stride;
  }
  return offsets;
}
