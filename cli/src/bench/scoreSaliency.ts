import { BenchSlice, truthOf } from './benchSlice';
import { causalScores } from './causalScores';
import { overlapScores } from './overlapScores';
import { Score } from './schema';

export const THRESHOLD_PROTOCOL =
  'Saliency is compared with the ground-truth organ mask on each explained slice (all its voxels). ' +
  'Negative saliency is clipped to 0. "dice"/"iou": the map binarised by Otsu’s threshold (no ground ' +
  'truth used); "topGt": the |GT| highest-saliency voxels (threshold-free relevance rank; ties broken ' +
  'at random with the seed). Means over slices.';

export interface SaliencyScores {
  otsu: Score;
  topGt: Score;
  /** Normalised deletion/insertion AUC (normalisedCausalAuc) and the insertion curve's start. */
  deletionAuc: number;
  insertionAuc: number;
  insertionStart: number;
}

/**
 * How good one slice's saliency map is: its overlap with the organ's ground truth (plausibility,
 * THRESHOLD_PROTOCOL) and its deletion/insertion AUC against the model (faithfulness, causalScores).
 */
export async function scoreSaliency(at: BenchSlice, saliency: Float32Array): Promise<SaliencyScores> {
  const truth = truthOf(at.data.labels, at.slice, at.organ.labelValue);
  const { normalised } = await causalScores(at, saliency);
  return {
    ...overlapScores(saliency, truth, at.settings.seed),
    deletionAuc: normalised.deletion,
    insertionAuc: normalised.insertion,
    insertionStart: normalised.insertionStart,
  };
}
