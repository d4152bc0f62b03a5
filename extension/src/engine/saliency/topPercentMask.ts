import { binarize } from '../util/binarize';

/**
 * The k % most salient voxels of the explained slices as a 0/1 mask on the whole grid: the
 * thresholded map a reader compares with the organ (the benchmark's "top-5 %"). Ranked among the
 * explained slices only, since the others hold no saliency; a voxel of saliency ≤ 0 is never in
 * the mask, even when fewer than k % are positive.
 */
export function topPercentMask(
  saliency: Float32Array,
  planeSize: number,
  slices: number[],
  percent: number,
): Uint8Array {
  const values = new Float32Array(slices.length * planeSize);
  slices.forEach((k, n) => values.set(saliency.subarray(k * planeSize, (k + 1) * planeSize), n * planeSize));
  const top = binarize(values, { kind: 'topPercent', value: percent });
  const mask = new Uint8Array(saliency.length);
  slices.forEach((k, n) => {
    for (let p = 0; p < planeSize; p++) {
      if (top[n * planeSize + p] && values[n * planeSize + p] > 0) mask[k * planeSize + p] = 1;
    }
  });
  return mask;
}
