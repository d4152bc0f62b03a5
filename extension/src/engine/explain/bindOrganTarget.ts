import { ProgressTracker } from '../evaluate/ProgressTracker';
import { Predictor, SegmentationModel } from '../model/SegmentationModel';
import { organScoreTarget } from '../targets/organScoreTarget';
import { predictedMask } from '../targets/predictedMask';
import { Target, TargetKind } from '../targets/Target';
import { Box, forEachVoxelInBox } from '../volume/Box';
import { Volume } from '../volume/Volume';

/** A model bound to one image, with the organ score every perturbation of that image is measured by. */
export interface OrganBinding {
  predictor: Predictor;
  /** The unperturbed prediction `[classes, outputSize]` (model output grid). */
  baseline: Float32Array;
  /** The organ in the unperturbed prediction, within the region when one was given (model output grid, 0/1). */
  mask: Uint8Array;
  organVoxels: number;
  /** The organ score over `mask`; null when the prediction has no organ voxel (nothing to explain). */
  target: Target | null;
  baselineScore: number;
}

/**
 * The first step of every explanation of one image, and of every score of a finished map: bind
 * the model to the image, predict it unperturbed (1 forward pass, counted on `tracker`), and fix
 * the organ mask the target sums over. With `region` (a box of the image, e.g. the explained slices
 * of a volume) the mask keeps only the outputs the prediction inside it is read from, so the score
 * is the organ's there, not the whole image's.
 */
export async function bindOrganTarget(
  model: SegmentationModel,
  image: Volume<Float32Array>,
  classIndex: number,
  kind?: TargetKind,
  tracker?: ProgressTracker,
  region?: Box,
): Promise<OrganBinding> {
  tracker?.throwIfCancelled();
  const predictor = await model.bind(image);
  const baseline = await predictor.predict(image.data, 1);
  tracker?.advance(1);
  const mask = predictedMask(baseline, predictor.classNames.length, predictor.outputSize, classIndex);
  if (region) {
    const inside = predictor.outputRegion?.(region) ?? imageRegion(region, image);
    mask.forEach((m, v) => (mask[v] = m & inside[v]));
  }
  const organVoxels = mask.reduce((sum, m) => sum + m, 0);
  if (organVoxels === 0) return { predictor, baseline, mask, organVoxels, target: null, baselineScore: 0 };
  const target = organScoreTarget(classIndex, mask, predictor.outputSize, kind);
  return { predictor, baseline, mask, organVoxels, target, baselineScore: target(baseline, 0) };
}

/** `region` as a mask of the image grid (1 inside): the output region of a model that predicts on it. */
function imageRegion(region: Box, image: Volume): Uint8Array {
  const inside = new Uint8Array(image.data.length);
  forEachVoxelInBox(region, image.dimensions, (v) => (inside[v] = 1));
  return inside;
}
