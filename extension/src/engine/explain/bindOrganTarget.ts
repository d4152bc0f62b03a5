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
  /**
   * The fixed mask the target sums over (model output grid, 0/1), within the region when one was
   * given: the organ in the unperturbed prediction, or the target region when one was given.
   */
  mask: Uint8Array;
  /** Voxels of the organ in the unperturbed prediction, within the region (model output grid). */
  organVoxels: number;
  /** Voxels of `mask`: `organVoxels` unless a target region was given. */
  targetVoxels: number;
  /** The organ score over `mask`; null when `mask` is empty (nothing to explain). */
  target: Target | null;
  baselineScore: number;
}

/**
 * The first step of every explanation of one image, and of every score of a finished map: bind
 * the model to the image, predict it unperturbed (1 forward pass, counted on `tracker`), and fix
 * the mask the target sums over. With `region` (a box of the image, e.g. the explained slices
 * of a volume) the mask keeps only the outputs the prediction inside it is read from, so the score
 * is the organ's there, not the whole image's. With `targetRegion` (image grid, 0/1: "why is this
 * blob the organ?") the mask is that region on the output grid instead of the predicted organ:
 * the organ's probability there is explained, wherever the model puts the organ.
 */
export async function bindOrganTarget(
  model: SegmentationModel,
  image: Volume<Float32Array>,
  classIndex: number,
  kind?: TargetKind,
  tracker?: ProgressTracker,
  region?: Box,
  targetRegion?: Uint8Array,
): Promise<OrganBinding> {
  tracker?.throwIfCancelled();
  const predictor = await model.bind(image);
  const baseline = await predictor.predict(image.data, 1);
  tracker?.advance(1);
  const organ = predictedMask(baseline, predictor.classNames.length, predictor.outputSize, classIndex);
  const inside = region && (predictor.outputRegion?.(region) ?? imageRegion(region, image));
  const mask = targetRegion ? outputMaskOf(predictor, targetRegion, image) : organ;
  if (inside) {
    organ.forEach((m, v) => (organ[v] = m & inside[v]));
    if (mask !== organ) mask.forEach((m, v) => (mask[v] = m && inside[v] ? 1 : 0));
  }
  const organVoxels = countNonzero(organ);
  const targetVoxels = mask === organ ? organVoxels : countNonzero(mask);
  const binding = { predictor, baseline, mask, organVoxels, targetVoxels };
  if (targetVoxels === 0) return { ...binding, target: null, baselineScore: 0 };
  const target = organScoreTarget(classIndex, mask, predictor.outputSize, kind);
  return { ...binding, target, baselineScore: target(baseline, 0) };
}

/** `region` as a mask of the image grid (1 inside): the output region of a model that predicts on it. */
function imageRegion(region: Box, image: Volume): Uint8Array {
  const inside = new Uint8Array(image.data.length);
  forEachVoxelInBox(region, image.dimensions, (v) => (inside[v] = 1));
  return inside;
}

/** A 0/1 mask of the image grid on the predictor's output grid (a copy: the caller may change it). */
function outputMaskOf(predictor: Predictor, imageMask: Uint8Array, image: Volume): Uint8Array {
  if (imageMask.length !== image.data.length) {
    throw new RangeError(
      `The target region has ${imageMask.length} voxels but the explained image has ${image.data.length}: ` +
        'give it on the volume grid.',
    );
  }
  if (predictor.outputMask) return predictor.outputMask(imageMask);
  if (predictor.outputSize !== imageMask.length) {
    throw new Error(
      `The model's output grid (${predictor.outputSize} voxels) is not the image's (${imageMask.length}) ` +
        'and its predictor cannot map a target region onto it (Predictor.outputMask).',
    );
  }
  return imageMask.slice();
}

function countNonzero(mask: Uint8Array): number {
  return mask.reduce((sum, m) => sum + (m ? 1 : 0), 0);
}
