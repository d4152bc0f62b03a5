import { binarize, overlap } from '@xai-clip/engine';
import { Score } from './schema';

/**
 * A map's overlap with the ground truth (THRESHOLD_PROTOCOL): Dice/IoU of its Otsu binarisation
 * and of its |GT| highest voxels (ties at random with `seed`), negative saliency clipped to 0.
 */
export function overlapScores(
  saliency: ArrayLike<number>,
  truth: Uint8Array,
  seed: number,
): { otsu: Score; topGt: Score } {
  const positive = Float32Array.from(saliency, (value) => (value > 0 ? value : 0));
  const truthCount = truth.reduce((sum, t) => sum + t, 0);
  return {
    otsu: overlap(binarize(positive, { kind: 'otsu' }), truth),
    topGt: overlap(binarize(positive, { kind: 'topCount', count: truthCount, seed }), truth),
  };
}
