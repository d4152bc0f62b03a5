import { createRandom } from '@xai-clip/engine';

/**
 * The `count` highest of `values` as a 0/1 mask, ties broken by a seeded random order (not by
 * position: a map that is flat over a region, e.g. an indicator or the zeros outside an ROI,
 * would otherwise fill from the image's first rows).
 */
export function seededTopCount(values: ArrayLike<number>, count: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  const tieBreak = Float64Array.from({ length: values.length }, () => random());
  const order = Uint32Array.from({ length: values.length }, (_, v) => v).sort(
    (a, b) => values[b] - values[a] || tieBreak[a] - tieBreak[b],
  );
  const mask = new Uint8Array(values.length);
  for (let n = 0; n < Math.min(count, values.length); n++) mask[order[n]] = 1;
  return mask;
}
