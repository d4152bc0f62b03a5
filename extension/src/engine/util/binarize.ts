import { otsuThreshold } from './otsuThreshold';
import { createRandom } from './random';

/**
 * A rule that turns a map into a binary mask:
 * - `otsu`: values above Otsu's threshold;
 * - `fixed`: values above a level;
 * - `topPercent`: the k % highest values;
 * - `topCount`: exactly the `count` highest values, e.g. |GT| for Quantus' relevance-rank
 *   protocol, which removes the threshold choice. Ties go by position, or by a random order drawn
 *   from `seed` (a map flat over a region, e.g. an indicator or the zeros outside an ROI, would
 *   otherwise fill from the image's first rows).
 */
export type BinarizeRule =
  | { kind: 'otsu' }
  | { kind: 'fixed'; value: number }
  | { kind: 'topPercent'; value: number }
  | { kind: 'topCount'; count: number; seed?: number };

/** Applies `rule` to `values`; returns a 0/1 mask of the same length. */
export function binarize(values: ArrayLike<number>, rule: BinarizeRule): Uint8Array {
  const mask = new Uint8Array(values.length);
  if (rule.kind === 'otsu' || rule.kind === 'fixed') {
    const level = rule.kind === 'otsu' ? otsuThreshold(values) : rule.value;
    for (let v = 0; v < values.length; v++) mask[v] = values[v] > level ? 1 : 0;
    return mask;
  }
  if (rule.kind === 'topPercent' && !(rule.value > 0 && rule.value <= 100)) {
    throw new Error(`A top-k threshold must be a percentage in (0, 100], got ${rule.value}.`);
  }
  const count =
    rule.kind === 'topPercent'
      ? Math.round((values.length * rule.value) / 100)
      : Math.min(rule.count, values.length);
  const tieRank =
    rule.kind === 'topCount' && rule.seed !== undefined
      ? Float64Array.from({ length: values.length }, createRandom(rule.seed))
      : Uint32Array.from({ length: values.length }, (_, v) => v);
  const order = Uint32Array.from({ length: values.length }, (_, v) => v).sort(
    (a, b) => values[b] - values[a] || tieRank[a] - tieRank[b],
  );
  for (let n = 0; n < count; n++) mask[order[n]] = 1;
  return mask;
}
