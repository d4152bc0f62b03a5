import { ProgressTracker } from '../evaluate/ProgressTracker';
import { Predictor, SegmentationModel } from '../model/SegmentationModel';
import { organScoreTarget } from '../targets/organScoreTarget';
import { predictedMask } from '../targets/predictedMask';
import { Target, TargetKind } from '../targets/Target';
import { Volume } from '../volume/Volume';

/** A model bound to one image, with the organ score every perturbation of that image is measured by. */
export interface OrganBinding {
  predictor: Predictor;
  /** The unperturbed prediction `[classes, outputSize]` (model output grid). */
  baseline: Float32Array;
  /** The organ in the unperturbed prediction (model output grid, 0/1). */
  mask: Uint8Array;
  organVoxels: number;
  /** The organ score over `mask`; null when the prediction has no organ voxel (nothing to explain). */
  target: Target | null;
  baselineScore: number;
}

/**
 * The first step of every explanation of one image, and of every score of a finished map: bind
 * the model to the image, predict it unperturbed (1 forward pass, counted on `tracker`), and fix
 * the organ mask the target sums over.
 */
export async function bindOrganTarget(
  model: SegmentationModel,
  image: Volume<Float32Array>,
  classIndex: number,
  kind?: TargetKind,
  tracker?: ProgressTracker,
): Promise<OrganBinding> {
  tracker?.throwIfCancelled();
  const predictor = await model.bind(image);
  const baseline = await predictor.predict(image.data, 1);
  tracker?.advance(1);
  const mask = predictedMask(baseline, predictor.classNames.length, predictor.outputSize, classIndex);
  const organVoxels = mask.reduce((sum, m) => sum + m, 0);
  if (organVoxels === 0) return { predictor, baseline, mask, organVoxels, target: null, baselineScore: 0 };
  const target = organScoreTarget(classIndex, mask, predictor.outputSize, kind);
  return { predictor, baseline, mask, organVoxels, target, baselineScore: target(baseline, 0) };
}
