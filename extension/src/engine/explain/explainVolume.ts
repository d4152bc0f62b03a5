import { ProgressCallback, ProgressTracker } from '../evaluate/ProgressTracker';
import { runBatches } from '../evaluate/runBatches';
import { getMethod, MethodOptionsById } from '../methods';
import { makeSubstrate } from '../methods/makeSubstrate';
import { FillMode, MethodId, PerturbationPlan } from '../methods/PerturbationMethod';
import { SegmentationModel } from '../model/SegmentationModel';
import { Roi } from '../roi/Roi';
import { roiVoxelCount } from '../roi/roiVoxels';
import { organScoreTarget } from '../targets/organScoreTarget';
import { predictedMask } from '../targets/predictedMask';
import { TargetKind } from '../targets/Target';
import { Box, fullBox } from '../volume/Box';
import { Volume } from '../volume/Volume';
import { asFloat32, like, sliceOf } from '../volume/volumeUtils';
import { assertFinite } from './assertFinite';
import { outsideRoiScore } from './outsideRoiScore';
import { Scope } from './Scope';

export interface ExplainOptions<M extends MethodId = MethodId> {
  /** Output channel of the organ being explained. */
  classIndex: number;
  method: M;
  methodOptions?: Partial<MethodOptionsById[M]>;
  /** Where perturbations may go; the whole volume when absent. */
  roi?: Roi;
  scope: Scope;
  /** Slice index k (sorted series order) for scope `slice`. */
  slice?: number;
  target?: TargetKind;
  fill?: FillMode;
  blurSigmaMm?: number;
  /** Perturbed images per model call (captum's perturbations_per_eval). */
  batchSize?: number;
  seed?: number;
  /**
   * Also score each image with everything outside its ROI replaced by the fill (one pass per
   * image the ROI does not cover whole): `ImageReport.outsideRoiScore`.
   */
  measureOutsideRoi?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
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
  passes: number;
  /** The target with everything outside the ROI replaced by the fill (`measureOutsideRoi`). */
  outsideRoiScore?: number;
}

export interface ExplainResult {
  /** Saliency on the volume grid: target units (drop, coefficient or weight), 0 where unexplained. */
  saliency: Volume<Float32Array>;
  /** The model's unperturbed prediction of the organ on the explained images (volume grid, 0/1). */
  organMask: Volume<Uint8Array>;
  images: ImageReport[];
  passes: number;
  calls: number;
  wallMs: number;
  notes: string[];
}

interface Job {
  slice: number | null;
  image: Volume<Float32Array>;
  box: Box;
  /** A mask-shaped ROI's voxels on this image (image-sized). */
  mask?: Uint8Array;
  roiVoxels: number;
  substrate: Float32Array;
  plan: PerturbationPlan;
  /** Whether to measure `outsideRoiScore` (the ROI is smaller than the image). */
  measureOutside: boolean;
}

type PlannedJob = Pick<Job, 'slice' | 'image' | 'box' | 'mask'>;

/**
 * Explains the organ output `classIndex` of `model` on `volume` with one perturbation method.
 * 2-D models are explained slice by slice over the scope ∩ ROI slab; 3-D models once over
 * the volume with the ROI (its box narrowed to the slice for scope `slice`).
 *
 * Cost: Σ over explained images of 1 + the method's perturbation count; images whose
 * unperturbed prediction has no organ voxel stop after their first pass (saliency 0).
 */
export async function explainVolume<M extends MethodId>(
  volume: Volume,
  model: SegmentationModel,
  options: ExplainOptions<M>,
): Promise<ExplainResult> {
  const started = Date.now();
  const method = getMethod(options.method);
  const methodOptions = { ...method.defaults, ...options.methodOptions };
  const roi = options.roi ?? { source: 'none' as const, box: fullBox(volume.dimensions) };
  const notes: string[] = roi.fallbackReason ? [`ROI: ${roi.fallbackReason}.`] : [];
  const jobs = planJobs(volume, model.dimensionality, roi, options, notes).map((job) => {
    const substrate = makeSubstrate(job.image, options.fill ?? 'min', options.blurSigmaMm);
    const context = {
      image: job.image,
      roi: job.box,
      roiMask: job.mask,
      substrate,
      seed: (options.seed ?? 0) + 7919 * (job.slice ?? 0),
    };
    const roiVoxels = roiVoxelCount(job.box, job.mask, job.image.dimensions);
    const measureOutside = (options.measureOutsideRoi ?? false) && roiVoxels < job.image.data.length;
    return { ...job, substrate, roiVoxels, plan: method.plan(context, methodOptions), measureOutside };
  });
  const tracker = new ProgressTracker(
    jobs.reduce((sum, job) => sum + 1 + job.plan.count + (job.measureOutside ? 1 : 0), 0),
    options.onProgress,
    options.signal,
  );
  const saliency = like(volume);
  const organMask = like(volume, new Uint8Array(saliency.data.length));
  const images: ImageReport[] = [];
  for (const job of jobs) {
    images.push(await explainJob(job, model, options, tracker, { saliency, organMask }, notes));
  }
  return {
    saliency,
    organMask,
    images,
    passes: tracker.done,
    calls: tracker.calls,
    wallMs: Date.now() - started,
    notes,
  };
}

async function explainJob(
  job: Job,
  model: SegmentationModel,
  options: ExplainOptions,
  tracker: ProgressTracker,
  outputs: { saliency: Volume<Float32Array>; organMask: Volume<Uint8Array> },
  notes: string[],
): Promise<ImageReport> {
  tracker.throwIfCancelled();
  const predictor = await model.bind(job.image);
  const imageSize = job.image.data.length;
  const baseline = await predictor.predict(job.image.data, 1);
  tracker.advance(1);
  const classes = predictor.classNames.length;
  const mask = predictedMask(baseline, classes, predictor.outputSize, options.classIndex);
  const organVoxels = mask.reduce((sum, m) => sum + m, 0);
  const offset = job.slice === null ? 0 : job.slice * imageSize;
  outputs.organMask.data.set(
    predictedMask(predictor.toImageGrid(baseline), classes, imageSize, options.classIndex),
    offset,
  );
  const report: ImageReport = {
    slice: job.slice,
    roi: job.box,
    roiMask: job.mask,
    roiVoxels: job.roiVoxels,
    organVoxels,
    baselineScore: 0,
    passes: 1,
  };
  if (organVoxels === 0) {
    tracker.skip(job.plan.count + (job.measureOutside ? 1 : 0));
    notes.push(
      `${job.slice === null ? 'Volume' : `Slice ${job.slice}`}: the model predicts no ${predictor.classNames[options.classIndex]}; saliency is 0.`,
    );
    return report;
  }
  const target = organScoreTarget(options.classIndex, mask, predictor.outputSize, options.target);
  report.baselineScore = target(baseline, 0);
  await runBatches(
    predictor,
    imageSize,
    job.plan.count,
    job.plan.write,
    target,
    job.plan.receive,
    options.batchSize ?? 8,
    tracker,
  );
  report.passes += job.plan.count;
  const map = job.plan.finish(report.baselineScore);
  outputs.saliency.data.set(map, offset);
  if (job.measureOutside) {
    report.outsideRoiScore = await outsideRoiScore(
      predictor,
      job.image,
      job.box,
      job.mask,
      job.substrate,
      target,
      tracker,
    );
    report.passes += 1;
  }
  return report;
}

function planJobs(
  volume: Volume,
  dimensionality: 2 | 3,
  roi: Roi,
  options: ExplainOptions,
  notes: string[],
): PlannedJob[] {
  const nz = volume.dimensions[2];
  if (options.scope === 'slice') {
    if (
      options.slice === undefined ||
      !Number.isInteger(options.slice) ||
      options.slice < 0 ||
      options.slice >= nz
    ) {
      throw new Error(`Scope "slice" needs a slice index between 0 and ${nz - 1}, got ${options.slice}.`);
    }
  }
  if (dimensionality === 3) {
    const image = asFloat32(volume);
    assertFinite(image.data, 'The volume');
    const box: Box = { min: [...roi.box.min], max: [...roi.box.max] };
    if (options.scope === 'slice') {
      box.min[2] = Math.max(box.min[2], options.slice!);
      box.max[2] = Math.min(box.max[2], options.slice! + 1);
      if (box.max[2] <= box.min[2]) throw new Error(`Slice ${options.slice} lies outside the ROI.`);
    }
    return [{ slice: null, image, box, mask: roi.mask }];
  }
  const candidates = options.scope === 'slice' ? [options.slice!] : Array.from({ length: nz }, (_, k) => k);
  const jobs: PlannedJob[] = [];
  const plane = volume.dimensions[0] * volume.dimensions[1];
  for (const k of candidates) {
    const box = sliceRoi(roi, k);
    if (!box) continue;
    const image = asFloat32(sliceOf(volume, k));
    assertFinite(image.data, `Slice ${k}`);
    jobs.push({ slice: k, image, box, mask: roi.mask?.subarray(k * plane, (k + 1) * plane) });
  }
  if (jobs.length === 0) {
    throw new Error(
      options.scope === 'slice'
        ? `Slice ${options.slice} lies outside the ROI (slices ${roi.box.min[2]}–${roi.box.max[2] - 1}). Pick a slice inside it or use ROI "none".`
        : 'The ROI covers no slice of the volume.',
    );
  }
  if (options.scope === 'volume' && jobs.length < nz) {
    notes.push(`${nz - jobs.length} slices outside the ROI were not perturbed (saliency 0).`);
  }
  return jobs;
}

/** The ROI on slice k in that slice's own coordinates (z = 0), or null when the ROI misses it. */
function sliceRoi(roi: Roi, k: number): Box | null {
  const box = roi.sliceBoxes ? roi.sliceBoxes[k] : k >= roi.box.min[2] && k < roi.box.max[2] ? roi.box : null;
  if (!box) return null;
  return { min: [box.min[0], box.min[1], 0], max: [box.max[0], box.max[1], 1] };
}
