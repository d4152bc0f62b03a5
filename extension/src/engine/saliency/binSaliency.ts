/**
 * Bins a saliency map for display as a labelmap: positive saliency is divided by its maximum
 * and cut into `levels` equal bins; bin 0 (the lowest, including all zero and negative
 * saliency) stays label 0 = transparent, bins 1…levels−1 become labels 1…levels−1.
 * Returns the labels and the lower edge (fraction of the maximum) of each label.
 */
export function binSaliency(
  saliency: ArrayLike<number>,
  levels: number,
): { labels: Uint8Array; lowerEdges: number[]; max: number } {
  if (!(Number.isInteger(levels) && levels >= 2 && levels <= 255)) {
    throw new Error(`Saliency levels must be a whole number from 2 to 255, got ${levels}.`);
  }
  let max = 0;
  for (let v = 0; v < saliency.length; v++) if (saliency[v] > max) max = saliency[v];
  const labels = new Uint8Array(saliency.length);
  const lowerEdges = Array.from({ length: levels - 1 }, (_, b) => (b + 1) / levels);
  if (max > 0) {
    for (let v = 0; v < saliency.length; v++) {
      const value = saliency[v] / max;
      labels[v] = value > 0 ? Math.min(levels - 1, Math.floor(value * levels)) : 0;
    }
  }
  return { labels, lowerEdges, max };
}
