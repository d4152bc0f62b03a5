import { Vec3 } from '../volume/Volume';
import { voxelCount } from '../volume/volumeUtils';

/**
 * Linear (bi- or trilinear) resampling of a grid to another size over the same extent.
 *
 * Moves images between the scanner grid and a model's input grid, and maps saliency back. Follows
 * the pixel-centre convention of torch `interpolate(align_corners=False)` and `cv2.resize`: the
 * centre of destination voxel d maps to source coordinate (d + 0.5)·(nₛ / n_d) − 0.5, clamped to
 * [0, nₛ − 1]. Trilinear interpolation is separable, so it is done as one 1-D pass per axis whose
 * size changes (an axis of equal size is copied, not interpolated), with index and weight tables
 * built once per axis. No antialiasing: strong downsampling skips detail, as in torch.
 *
 * @param source Voxels of the source grid in storage order (i fastest).
 * @param sourceDimensions [nx, ny, nz] of the source.
 * @param targetDimensions [nx, ny, nz] of the result.
 * @param out Optional array of the target's voxel count to write into (must not alias `source`).
 * @returns `out`, or a new array, holding the resampled voxels.
 */
export function resampleLinear(
  source: Float32Array,
  sourceDimensions: Vec3,
  targetDimensions: Vec3,
  out?: Float32Array,
): Float32Array {
  if (source.length !== voxelCount(sourceDimensions)) {
    throw new RangeError(`The source has ${source.length} values, not ${sourceDimensions.join('×')}.`);
  }
  const targetCount = voxelCount(targetDimensions);
  if (targetCount === 0)
    throw new RangeError(`Cannot resample to the empty grid ${targetDimensions.join('×')}.`);
  const result = out ?? new Float32Array(targetCount);
  if (result.length !== targetCount) {
    throw new RangeError(
      `The output has ${result.length} values but ${targetDimensions.join('×')} needs ${targetCount}.`,
    );
  }
  const changed = [0, 1, 2].filter((axis) => sourceDimensions[axis] !== targetDimensions[axis]);
  if (changed.length === 0) {
    result.set(source);
    return result;
  }
  let values = source;
  const dimensions = [...sourceDimensions] as Vec3;
  for (const axis of changed) {
    const last = axis === changed[changed.length - 1];
    const size = targetDimensions[axis];
    const next = last ? result : new Float32Array((values.length / dimensions[axis]) * size);
    interpolateAxis(values, next, dimensions, axis, size);
    dimensions[axis] = size;
    values = next;
  }
  return result;
}

/** Resamples every line along `axis` from dimensions[axis] to `size` samples. */
function interpolateAxis(
  source: Float32Array,
  target: Float32Array,
  dimensions: Vec3,
  axis: number,
  size: number,
): void {
  const sourceSize = dimensions[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? dimensions[0] : dimensions[0] * dimensions[1];
  const outer = source.length / (stride * sourceSize);
  const lower = new Int32Array(size);
  const upper = new Int32Array(size);
  const fraction = new Float32Array(size);
  const scale = sourceSize / size;
  for (let d = 0; d < size; d++) {
    const position = Math.min(sourceSize - 1, Math.max(0, (d + 0.5) * scale - 0.5));
    lower[d] = Math.floor(position);
    upper[d] = Math.min(sourceSize - 1, lower[d] + 1);
    fraction[d] = position - lower[d];
  }
  if (stride === 1) {
    // Along i the lines are contiguous: one sample per output, no inner loop.
    for (let o = 0; o < outer; o++) {
      const sourceBase = o * sourceSize;
      const targetBase = o * size;
      for (let d = 0; d < size; d++) {
        const a = source[sourceBase + lower[d]];
        target[targetBase + d] = a + fraction[d] * (source[sourceBase + upper[d]] - a);
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const sourceBase = o * stride * sourceSize;
    const targetBase = o * stride * size;
    for (let d = 0; d < size; d++) {
      const from0 = sourceBase + lower[d] * stride;
      const from1 = sourceBase + upper[d] * stride;
      const to = targetBase + d * stride;
      const w = fraction[d];
      for (let inner = 0; inner < stride; inner++) {
        const a = source[from0 + inner];
        target[to + inner] = a + w * (source[from1 + inner] - a);
      }
    }
  }
}
