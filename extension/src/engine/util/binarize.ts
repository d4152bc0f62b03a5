import { otsuThreshold } from './otsuThreshold';

/**
 * A rule that turns a map into a binary mask:
 * - `otsu`: values above Otsu's threshold;
 * - `fixed`: values above a level;
 * - `topPercent`: the k % highest values;
 * - `topCount`: exactly the `count` highest values (ties broken by position), e.g. |GT| for
 *   Quantus' relevance-rank protocol, which removes the threshold choice.
 */
export type BinarizeRule =
  | { kind: 'otsu' }
  | { kind: 'fixed'; value: number }
  | { kind: 'topPercent'; value: number }
  | { kind: 'topCount'; count: number };

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
  const order = Uint32Array.from({ length: values.length }, (_, v) => v).sort(
    (a, b) => values[b] - values[a] || a - b,
  );
  for (let n = 0; n < count; n++) mask[order[n]] = 1;
  return mask;
}
