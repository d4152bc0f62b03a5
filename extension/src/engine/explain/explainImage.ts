import { BatchTuner } from '../evaluate/BatchTuner';
import { ProgressTracker } from '../evaluate/ProgressTracker';
import { runBatches } from '../evaluate/runBatches';
import { PerturbationContext, PerturbationPlan } from '../methods/PerturbationMethod';
import { SegmentationModel } from '../model/SegmentationModel';
import { predictedMask } from '../targets/predictedMask';
import { TargetKind } from '../targets/Target';
import { Box } from '../volume/Box';
import { Volume } from '../volume/Volume';
import { bindOrganTarget } from './bindOrganTarget';
import { outsideRoiScore } from './outsideRoiScore';
import { PartialSaliencySchedule } from './PartialSaliencySchedule';

/** One image to explain (a slice, or the volume for 3-D models) with what its plans need. */
export interface ImageJob {
  /** Slice index, or null for a 3-D model's whole volume. */
  slice: number | null;
  context: PerturbationContext;
  /** Voxels of the ROI on this image. */
  roiVoxels: number;
  /** Whether to measure `outsideRoiScore` (the ROI leaves part of the explained slices out). */
  measureOutside: boolean;
  /** The region whose organ score is explained, on this image (image-sized, 0/1); absent: the predicted organ. */
  targetRegion?: Uint8Array;
}

/** What one explained image (a slice, or the volume for 3-D models) contributed. */
export interface ImageReport {
  /** Slice index, or null for a 3-D model's whole volume. */
  slice: number | null;
  roi: Box;
  /** A mask-shaped ROI's voxels on this image (image-sized); absent for a box ROI. */
  roiMask?: Uint8Array;
  /** Voxels of the ROI on this image. */
  roiVoxels: number;
  baselineScore: number;
  /** Voxels of the organ in the unperturbed prediction (model output grid). */
  organVoxels: number;
  /** Voxels the organ score is summed over (model output grid): `organVoxels`, or the target region's. */
  targetVoxels: number;
  /** Forward passes run on this image. */
  passes: number;
  /** Perturbations not run: they left the network input unperturbed (their drop is 0). */
  skippedPasses: number;
  /** The target with everything outside the ROI replaced by the fill (`measureOutsideRoi`). */
  outsideRoiScore?: number;
  /** The held-out R² of the method's surrogate model (LIME; `PerturbationPlan.surrogateR2`). */
  surrogateR2?: number;
}

/** Where explained images land: the volume-grid saliency and organ mask. */
export interface ImageOutputs {
  saliency: Volume<Float32Array>;
  organMask: Volume<Uint8Array>;
}

/**
 * Explains one image with one plan: bind the model and predict the image unperturbed, fix the
 * organ target, run the plan's perturbations through the one batching loop, write its map (and
 * the organ mask) into `outputs`, and measure the outside-ROI score when asked. With `partials`,
 * the plan's running map is passed on as the schedule allows, and its finished map always.
 * Without a plan (a slice a slice stride interpolates) only the organ mask and the report are
 * written: its map comes from the explained slices around it (0 without the organ, as any image's).
 *
 * Cost: 1 + plan.count (+ 1 outside) passes, less the perturbations that change nothing the
 * network sees; 1 when the prediction has no organ voxel (or the job's target region none; map 0)
 * or there is no plan.
 */
export async function explainImage(
  model: SegmentationModel,
  job: ImageJob,
  plan: PerturbationPlan | null,
  options: {
    classIndex: number;
    target?: TargetKind;
    batchSize?: number | BatchTuner;
    partials?: PartialSaliencySchedule;
  },
  tracker: ProgressTracker,
  outputs: ImageOutputs,
  notes: string[],
): Promise<ImageReport> {
  const { image, roi, roiMask, substrate } = job.context;
  const bound = await bindOrganTarget(
    model,
    image,
    options.classIndex,
    options.target,
    tracker,
    job.context.region,
    job.targetRegion,
  );
  const { predictor } = bound;
  const imageSize = image.data.length;
  const offset = job.slice === null ? 0 : job.slice * imageSize;
  outputs.organMask.data.set(
    predictedMask(
      predictor.toImageGrid(bound.baseline),
      predictor.classNames.length,
      imageSize,
      options.classIndex,
    ),
    offset,
  );
  const report: ImageReport = {
    slice: job.slice,
    roi,
    roiMask,
    roiVoxels: job.roiVoxels,
    organVoxels: bound.organVoxels,
    targetVoxels: bound.targetVoxels,
    baselineScore: bound.baselineScore,
    passes: 1,
    skippedPasses: 0,
  };
  if (!bound.target) {
    if (plan) tracker.skip(plan.count + (job.measureOutside ? 1 : 0));
    notes.push(
      job.targetRegion
        ? `${explainedSlices(job, 'S')}: the target region has no voxel here; saliency is 0.`
        : `${explainedSlices(job, 'S')}: the model predicts no ${predictor.classNames[options.classIndex]}; saliency is 0.`,
    );
    return report;
  }
  if (!plan) return report;
  const { target } = bound;
  // Whether any perturbation moved the score: a 3-D model's resize can skip the explained slices.
  let moved = false;
  const receive = (index: number, score: number) => {
    if (Math.abs(score - report.baselineScore) > 1e-6 * Math.abs(report.baselineScore)) moved = true;
    plan.receive(index, score);
  };
  const skippedBefore = tracker.skipped;
  const { partials } = options;
  let batches = 0;
  const afterBatch =
    partials &&
    plan.partial &&
    (() => {
      if (partials.due(batches++ === 0)) {
        partials.send({ offset, saliency: plan.partial!(report.baselineScore), final: false });
      }
    });
  // A perturbation that leaves the network input as it is scores the baseline: no pass spent.
  await runBatches(
    predictor,
    imageSize,
    plan.count,
    plan.write,
    target,
    receive,
    options.batchSize ?? 8,
    tracker,
    { image: image.data, score: report.baselineScore },
    afterBatch,
  );
  report.skippedPasses = tracker.skipped - skippedBefore;
  report.passes += plan.count - report.skippedPasses;
  const map = plan.finish(report.baselineScore);
  const surrogateR2 = plan.surrogateR2?.();
  if (surrogateR2 !== undefined) report.surrogateR2 = surrogateR2;
  outputs.saliency.data.set(map, offset);
  partials?.send({ offset, saliency: map, final: true });
  if (job.context.region && !moved) {
    notes.push(
      `No perturbation of ${explainedSlices(job, 's')} changed the model's ` +
        `${predictor.classNames[options.classIndex]} score there: resizing the volume to the network's slices ` +
        'may skip them (no antialiasing), and the map shows no evidence. Explain a neighbouring slice or the slab.',
    );
  }
  if (job.measureOutside) {
    report.outsideRoiScore = await outsideRoiScore(
      predictor,
      image,
      roi,
      roiMask,
      substrate,
      target,
      tracker,
      job.context.region,
    );
    report.passes += 1;
  }
  return report;
}

/** The job's explained slices in words ("slice 4", "slices 2–9"), starting with `initial`. */
function explainedSlices(job: ImageJob, initial: 's' | 'S'): string {
  const [first, end] = job.context.region
    ? [job.context.region.min[2], job.context.region.max[2]]
    : [job.slice!, job.slice! + 1];
  return end - first > 1 ? `${initial}lices ${first}–${end - 1}` : `${initial}lice ${first}`;
}
