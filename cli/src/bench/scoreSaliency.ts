import {
  bindOrganTarget,
  deletionInsertion,
  makeSubstrate,
  ProgressTracker,
  saliencyOverlap,
  SegmentationModel,
  Volume,
} from '@xai-clip/engine';
import { Score } from './schema';
import { BenchSettings } from './settings';

export const THRESHOLD_PROTOCOL =
  'Saliency is compared with the ground-truth organ mask on each explained slice (all its voxels). ' +
  'Negative saliency is clipped to 0. "dice"/"iou": the map binarised by Otsu’s threshold (no ground ' +
  'truth used); "topGt": the |GT| highest-saliency voxels (threshold-free relevance rank). Means over slices.';

export interface SaliencyScores {
  otsu: Score;
  topGt: Score;
  /** NaN when the model predicts no organ on the image (no score to delete from). */
  deletionAuc: number;
  insertionAuc: number;
}

/**
 * How good one image's saliency map is: its overlap with the organ's ground truth (plausibility,
 * THRESHOLD_PROTOCOL) and its deletion/insertion AUC against the model (faithfulness), on the
 * organ score an explanation of the image uses (bindOrganTarget, its first step).
 */
export async function scoreSaliency(
  model: SegmentationModel,
  image: Volume<Float32Array>,
  saliency: Float32Array,
  truth: Uint8Array,
  classIndex: number,
  settings: Pick<BenchSettings, 'target' | 'fill' | 'deletionSteps' | 'batchSize' | 'seed'>,
): Promise<SaliencyScores> {
  const { otsu, topGt } = saliencyOverlap(saliency, truth);
  const { predictor, target } = await bindOrganTarget(model, image, classIndex, settings.target);
  if (!target) return { otsu, topGt, deletionAuc: NaN, insertionAuc: NaN };
  const curves = await deletionInsertion(
    predictor,
    image.data,
    saliency,
    target,
    { deletion: makeSubstrate(image, settings.fill), insertion: makeSubstrate(image, 'blur') },
    {
      steps: settings.deletionSteps,
      batchSize: settings.batchSize,
      seed: settings.seed,
      tracker: new ProgressTracker(2 * (settings.deletionSteps + 1)),
    },
  );
  return { otsu, topGt, deletionAuc: curves.deletionAuc, insertionAuc: curves.insertionAuc };
}
