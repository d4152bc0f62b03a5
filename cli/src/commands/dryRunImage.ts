import { createVolume, Volume } from '@xai-clip/engine';
import { SegmenterEntry } from '@xai-clip/runtime';

/**
 * The synthetic image `models validate` runs the segmenter on: the fixed input size, or a
 * 64×64 slice (×32 slices for a 3-D model) for a dynamic one. A smooth ramp: varied enough for
 * percentile and z-score channels to be well defined.
 */
export function dryRunImage(entry: SegmenterEntry): Volume<Float32Array> {
  const fixed = entry.size.mode === 'fixed' ? entry.size.shape : null;
  const dims: [number, number, number] = fixed
    ? [fixed[fixed.length - 1], fixed[fixed.length - 2], fixed.length === 3 ? fixed[0] : 1]
    : [64, 64, entry.layout === 'NCDHW' ? 32 : 1];
  const count = dims[0] * dims[1] * dims[2];
  return createVolume(
    Float32Array.from({ length: count }, (_, v) => (v % 97) * 10 - 200),
    dims,
  );
}
