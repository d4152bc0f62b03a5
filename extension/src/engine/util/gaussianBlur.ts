import { Vec3, Volume } from '../volume/Volume';
import { like } from '../volume/volumeUtils';

/**
 * Gaussian blur with a physical width: separable 1-D passes along i, j and k.
 *
 * Makes the blurred occlusion baselines and insertion substrates of the perturbation methods, so a
 * perturbation removes detail at a given scale in mm whatever the voxel spacing. Sigma is converted
 * to voxels per axis (sigmaMm / spacing); an axis of size 1 (the k axis of a 2-D image) or with a
 * sigma under 0.3 voxel (where the kernel is nearly a delta) is left as is. Kernels are truncated at
 * 3 sigma and normalised; beyond the edges the nearest voxel is repeated.
 *
 * @param volume Float32 image; it is not modified.
 * @param sigmaMm Standard deviation in mm, ≥ 0.
 * @returns A new volume with the same geometry and the blurred voxels.
 */
export function gaussianBlur(volume: Volume<Float32Array>, sigmaMm: number): Volume<Float32Array> {
  if (!(sigmaMm >= 0) || !Number.isFinite(sigmaMm)) {
    throw new RangeError(`The blur sigma must be finite and ≥ 0 mm, not ${sigmaMm}.`);
  }
  let data = volume.data;
  for (let axis = 0; axis < 3; axis++) {
    const sigma = sigmaMm / volume.spacing[axis];
    if (volume.dimensions[axis] === 1 || !(sigma >= 0.3)) continue;
    const blurred = new Float32Array(data.length);
    convolveAxis(data, blurred, volume.dimensions, axis, gaussianKernel(sigma));
    data = blurred;
  }
  return like(volume, data === volume.data ? data.slice() : data);
}

/** Normalised Gaussian taps at −r…r voxels, r = ⌈3σ⌉. */
function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let t = -radius; t <= radius; t++) {
    kernel[t + radius] = Math.exp((-t * t) / (2 * sigma * sigma));
    sum += kernel[t + radius];
  }
  for (let t = 0; t < kernel.length; t++) kernel[t] /= sum;
  return kernel;
}

/** Number of parallel lines convolved together, so memory is read in runs and reused from cache. */
const BUNDLE = 64;

/**
 * Convolves every line along `axis` with a symmetric kernel of 2r + 1 taps, clamping at the edges.
 * Lines are taken in bundles of up to BUNDLE neighbours (along j for the i axis, else along i),
 * copied into a buffer padded with their end values, so the taps need no bounds checks, memory is
 * read in contiguous runs and mirrored taps share a multiplication.
 */
function convolveAxis(
  source: Float32Array,
  target: Float32Array,
  dimensions: Vec3,
  axis: number,
  kernel: Float64Array,
): void {
  const strides = [1, dimensions[0], dimensions[0] * dimensions[1]];
  const across = axis === 0 ? 1 : 0; // the axis along which lines are bundled
  const other = 3 - axis - across;
  const size = dimensions[axis];
  const stride = strides[axis];
  const acrossStride = strides[across];
  const radius = (kernel.length - 1) / 2;
  const centre = kernel[radius];
  const padded = new Float64Array((size + 2 * radius) * BUNDLE);
  for (let c = 0; c < dimensions[other]; c++) {
    for (let first = 0; first < dimensions[across]; first += BUNDLE) {
      const start = c * strides[other] + first * acrossStride;
      const width = Math.min(BUNDLE, dimensions[across] - first);
      for (let p = 0; p < size + 2 * radius; p++) {
        const from = start + Math.min(size - 1, Math.max(0, p - radius)) * stride;
        for (let q = 0; q < width; q++) padded[p * BUNDLE + q] = source[from + q * acrossStride];
      }
      for (let a = 0; a < size; a++) {
        const to = start + a * stride;
        const middle = (a + radius) * BUNDLE;
        for (let q = 0; q < width; q++) {
          let sum = centre * padded[middle + q];
          for (let t = 1, offset = BUNDLE; t <= radius; t++, offset += BUNDLE) {
            sum += kernel[radius + t] * (padded[middle + q - offset] + padded[middle + q + offset]);
          }
          target[to + q * acrossStride] = sum;
        }
      }
    }
  }
}
