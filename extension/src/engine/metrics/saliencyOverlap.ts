import { binarize, BinarizeRule } from '../util/binarize';
import { overlap } from './overlap';

export interface SaliencyOverlap {
  otsu: { dice: number; iou: number };
  topGt: { dice: number; iou: number };
  topPercent: { percent: number; dice: number; iou: number };
}

/**
 * Plausibility of a saliency map against a ground-truth mask on the same voxels: Dice and IoU
 * of the map binarised by Otsu, by top-|GT| (as many voxels as the mask has) and by top-k %.
 * Only positive saliency counts as "important"; negative values are clipped to 0 first.
 * Restrict both arrays to the explained voxels (e.g. the explained slices) before calling.
 */
export function saliencyOverlap(
  saliency: ArrayLike<number>,
  truth: ArrayLike<number>,
  topPercent = 5,
): SaliencyOverlap {
  const positive = Float32Array.from(saliency, (value) => (value > 0 ? value : 0));
  let truthCount = 0;
  for (let v = 0; v < truth.length; v++) if (truth[v]) truthCount++;
  const score = (rule: BinarizeRule) => overlap(binarize(positive, rule), truth);
  return {
    otsu: score({ kind: 'otsu' }),
    topGt: score({ kind: 'topCount', count: truthCount }),
    topPercent: { percent: topPercent, ...score({ kind: 'topPercent', value: topPercent }) },
  };
}
