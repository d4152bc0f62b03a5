import { BatchTuner } from '../evaluate/BatchTuner';
import { ProgressCallback, ProgressTracker } from '../evaluate/ProgressTracker';
import { getMethod, MethodOptionsById } from '../methods';
import { makeSubstrate } from '../methods/makeSubstrate';
import { FillMode, MethodId, PerturbationContext, RefinementReport } from '../methods/PerturbationMethod';
import { SegmentationModel } from '../model/SegmentationModel';
import { Roi } from '../roi/Roi';
import { roiVoxelCount } from '../roi/roiVoxels';
import { TargetKind } from '../targets/Target';
import { Box, boxVoxelCount, fullBox } from '../volume/Box';
import { Volume } from '../volume/Volume';
import { asFloat32, like, sliceOf } from '../volume/volumeUtils';
import { assertFinite } from './assertFinite';
import { explainImage, ImageJob, ImageOutputs, ImageReport } from './explainImage';
import { interpolateSlices } from './interpolateSlices';
import { PartialSaliencySchedule } from './PartialSaliencySchedule';
import { Scope } from './Scope';
import { strideSlices } from './strideSlices';

export type { ImageReport } from './explainImage';

export interface ExplainOptions<M extends MethodId = MethodId> {
  /** Output channel of the organ being explained. */
  classIndex: number;
  method: M;
  methodOptions?: Partial<MethodOptionsById[M]>;
  /**
   * Run the method's refinement (occlusion: coarse-to-fine) with these settings over its
   * defaults; the method must have one.
   */
  refine?: object;
  /** Where perturbations may go; the whole volume when absent. */
  roi?: Roi;
  scope: Scope;
  /** Slice index k (sorted series order) for scope `slice`. */
  slice?: number;
  /**
   * 2-D models, scopes slab and volume: explain every k-th slice of the ROI's slices (the first and
   * the last always) and interpolate the maps between (`interpolatedSlices`). Default 1: every slice.
   */
  sliceStride?: number;
  target?: TargetKind;
  /**
   * Explain the organ's probability over this region (volume grid, 0/1; e.g. one blob of the
   * predicted organ, or a drawn region) instead of over the predicted organ: the target's fixed
   * mask on each explained image is the region there, mapped to the model's output grid.
   */
  targetRegion?: Uint8Array;
  fill?: FillMode;
  blurSigmaMm?: number;
  /**
   * Perturbed images per model call (captum's perturbations_per_eval), or a tuner that picks the
   * fastest on the first calls (the same one across the explained images).
   */
  batchSize?: number | BatchTuner;
  seed?: number;
  /**
   * Also score each image with everything outside its ROI replaced by the fill (one pass per
   * image the ROI does not cover whole): `ImageReport.outsideRoiScore`.
   */
  measureOutsideRoi?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Running maps of the images while they are explained (a viewer paints them); the result is the same. */
  partials?: PartialSaliencySchedule;
}

export interface ExplainResult {
  /**
   * The explained slices (volume grid, ascending): the slices of the 2-D images, or the part of
   * the volume a 3-D model was explained on (scope slice: that slice; slab: the ROI's slices;
   * volume: all). Every figure of the explanation (organ score, metrics, overlay, ROI share)
   * refers to these slices.
   */
  explainedSlices: number[];
  /**
   * The explained slices whose map a slice stride interpolated from the perturbed slices around
   * them (ascending; they ran their unperturbed pass only; one where the model predicts no organ
   * keeps its map 0 and is not listed); absent when none was interpolated.
   */
  interpolatedSlices?: number[];
  /** Saliency on the volume grid: target units (drop, coefficient or weight), 0 where unexplained. */
  saliency: Volume<Float32Array>;
  /** The model's unperturbed prediction of the organ on the explained images (volume grid, 0/1). */
  organMask: Volume<Uint8Array>;
  /** Voxels of `ExplainOptions.targetRegion` on the explained slices (volume grid); absent without one. */
  targetRegionVoxels?: number;
  images: ImageReport[];
  /** Forward passes run. */
  passes: number;
  /** Planned perturbations not run: they left the network input unperturbed (drop 0, same map). */
  skippedPasses: number;
  calls: number;
  wallMs: number;
  notes: string[];
  /** What the refinement ran, when `refine` was asked for. */
  refinement?: RefinementReport;
}

type PlannedImage = Pick<ImageJob, 'slice'> &
  Pick<PerturbationContext, 'region'> & {
    image: Volume<Float32Array>;
    box: Box;
    /** A mask-shaped ROI's voxels on this image (image-sized). */
    mask?: Uint8Array;
  };

/**
 * Explains the organ output `classIndex` of `model` on `volume` with one perturbation method.
 * 2-D models are explained slice by slice over the scope ∩ ROI slab; 3-D models once over
 * the volume with the ROI, for the organ on the explained slices (scope `slice`: that slice, the
 * ROI's box narrowed to it; `slab`: the ROI's slices; `volume`: all). With `refine`, the
 * method's refinement then runs a second round on every image with the organ. With a slice
 * stride k, only every k-th slice of a 2-D slab is perturbed (both rounds); the others run their
 * unperturbed pass (organ mask, ROI figures) and their map is interpolated between the perturbed ones.
 *
 * Cost: Σ over explained images of 1 + the method's perturbation count, less the perturbations
 * that change nothing the network sees (`skippedPasses`: their drop is 0 and the map the same);
 * images whose unperturbed prediction has no organ voxel stop after their first pass (saliency 0);
 * interpolated slices cost 1 pass each.
 */
export async function explainVolume<M extends MethodId>(
  volume: Volume,
  model: SegmentationModel,
  options: ExplainOptions<M>,
): Promise<ExplainResult> {
  const started = Date.now();
  const method = getMethod(options.method);
  const methodOptions = { ...method.defaults, ...options.methodOptions };
  if (options.refine && !method.refinement) {
    throw new Error(`${method.label} has no refinement; coarse-to-fine is occlusion's.`);
  }
  const refinement = options.refine ? method.refinement : undefined;
  const refineSettings = refinement && { ...refinement.defaults, ...options.refine };
  const firstRound = refinement ? refinement.firstRound(methodOptions, refineSettings!) : methodOptions;
  if (options.targetRegion && options.targetRegion.length !== volume.data.length) {
    throw new RangeError(
      `The target region has ${options.targetRegion.length} voxels but the volume ${volume.data.length} ` +
        `(${volume.dimensions.join('×')}): give it on the volume grid.`,
    );
  }
  const roi = options.roi ?? { source: 'none' as const, box: fullBox(volume.dimensions) };
  const notes: string[] = roi.fallbackReason ? [`ROI: ${roi.fallbackReason}.`] : [];
  const jobs = planImages(volume, model.dimensionality, roi, options, notes).map((planned) =>
    imageJob(planned, options),
  );
  const explainedSlices = jobs.flatMap((job) =>
    job.context.region
      ? Array.from(
          { length: job.context.region.max[2] - job.context.region.min[2] },
          (_, n) => job.context.region!.min[2] + n,
        )
      : [job.slice!],
  );
  const perturbed = perturbedJobs(jobs, model.dimensionality, options, notes);
  const plans = jobs.map((job, n) => (perturbed[n] ? method.plan(job.context, firstRound) : null));
  const tracker = new ProgressTracker(
    jobs.reduce((sum, job, n) => sum + 1 + (plans[n] ? plans[n].count + (job.measureOutside ? 1 : 0) : 0), 0),
    options.onProgress,
    options.signal,
  );
  const outputs: ImageOutputs = {
    saliency: like(volume),
    organMask: like(volume, new Uint8Array(volume.data.length)),
  };
  const images: ImageReport[] = [];
  for (const [n, job] of jobs.entries()) {
    images.push(await explainImage(model, job, plans[n], options, tracker, outputs, notes));
  }
  // A slice without the organ keeps its map 0, as when it is perturbed.
  const interpolatedSlices = jobs.flatMap((job, n) =>
    perturbed[n] || images[n].targetVoxels === 0 ? [] : [job.slice!],
  );
  const result = {
    ...outputs,
    explainedSlices,
    ...(options.targetRegion
      ? { targetRegionVoxels: regionVoxelsOn(options.targetRegion, explainedSlices, volume) }
      : {}),
    ...(interpolatedSlices.length > 0 ? { interpolatedSlices } : {}),
    images,
    notes,
  };
  const fillInterpolated = () => {
    if (interpolatedSlices.length === 0) return;
    const perturbedSlices = jobs.flatMap((job, n) => (perturbed[n] ? [job.slice!] : []));
    interpolateSlices(outputs.saliency, perturbedSlices, interpolatedSlices);
    const size = jobs[0].context.image.data.length;
    for (const k of interpolatedSlices) {
      const saliency = outputs.saliency.data.slice(k * size, (k + 1) * size);
      options.partials?.send({ offset: k * size, saliency, final: true });
    }
  };
  if (!refinement) {
    fillInterpolated();
    return { ...result, ...passesOf(tracker), wallMs: Date.now() - started };
  }

  const firstRoundPasses = tracker.passes;
  // Plan every second round first, so the progress total is known before the round runs.
  const rounds = jobs.flatMap((job, n) => {
    if (!perturbed[n] || images[n].targetVoxels === 0) return [];
    const size = job.context.image.data.length;
    const offset = job.slice === null ? 0 : job.slice * size;
    const firstMap = outputs.saliency.data.slice(offset, offset + size);
    return [{ n, job, plan: refinement.plan(job.context, firstMap, methodOptions, refineSettings!) }];
  });
  tracker.extend(rounds.reduce((sum, round) => sum + 1 + round.plan.count, 0));
  for (const { n, job, plan } of rounds) {
    const second = await explainImage(
      model,
      { ...job, measureOutside: false },
      plan,
      options,
      tracker,
      outputs,
      notes,
    );
    images[n].passes += second.passes;
    images[n].skippedPasses += second.skippedPasses;
  }
  fillInterpolated();
  return {
    ...result,
    ...passesOf(tracker),
    wallMs: Date.now() - started,
    refinement: {
      id: refinement.id,
      settings: refineSettings!,
      firstRound,
      firstRoundPasses,
      secondRoundPasses: tracker.passes - firstRoundPasses,
      refinedPerturbations: rounds.reduce((sum, round) => sum + round.plan.count, 0),
      plainPerturbations: rounds.reduce((sum, round) => sum + round.plan.plainCount, 0),
    },
  };
}

/**
 * Which images are perturbed: all, except the slices a slice stride leaves to interpolation
 * (a 2-D model's slab or volume; a 3-D model and a single slice are one image).
 */
function perturbedJobs(
  jobs: ImageJob[],
  dimensionality: 2 | 3,
  options: ExplainOptions,
  notes: string[],
): boolean[] {
  const stride = options.sliceStride ?? 1;
  const strided = strideSlices(jobs.length, stride);
  if (stride === 1 || options.scope === 'slice') return jobs.map(() => true);
  if (dimensionality === 3) {
    notes.push(`Slice stride ${stride} ignored: a 3-D model explains the slab in one image.`);
    return jobs.map(() => true);
  }
  const between = strided.filter((explained) => !explained).length;
  if (between > 0) {
    notes.push(
      `Slice stride ${stride}: ${jobs.length - between} of ${jobs.length} slices perturbed; the maps of the ` +
        `${between} between are interpolated linearly from them (interpolatedSlices; 0 where the model predicts no organ).`,
    );
  }
  return strided;
}

/** Voxels of `region` (volume grid, 0/1) on `slices`. */
function regionVoxelsOn(region: Uint8Array, slices: number[], volume: Volume): number {
  const plane = volume.dimensions[0] * volume.dimensions[1];
  let voxels = 0;
  for (const k of slices) for (let v = k * plane; v < (k + 1) * plane; v++) if (region[v]) voxels++;
  return voxels;
}

/** What the run spent: forward passes, perturbations skipped, model calls. */
function passesOf(tracker: ProgressTracker): Pick<ExplainResult, 'passes' | 'skippedPasses' | 'calls'> {
  return { passes: tracker.passes, skippedPasses: tracker.skipped, calls: tracker.calls };
}

/** An image's perturbation context: its substrate, seed and ROI. */
function imageJob(planned: PlannedImage, options: ExplainOptions): ImageJob {
  const { slice, region, image, box, mask } = planned;
  const roiVoxels = roiVoxelCount(box, mask, image.dimensions);
  const size = image.data.length;
  return {
    slice,
    targetRegion:
      options.targetRegion &&
      (slice === null
        ? options.targetRegion
        : options.targetRegion.subarray(slice * size, (slice + 1) * size)),
    context: {
      image,
      region,
      roi: box,
      roiMask: mask,
      substrate: makeSubstrate(image, options.fill ?? 'min', options.blurSigmaMm),
      seed: (options.seed ?? 0) + 7919 * (slice ?? 0),
    },
    roiVoxels,
    // Only where the ROI leaves part of the explained slices out.
    measureOutside:
      (options.measureOutsideRoi ?? false) &&
      roiVoxels < (region ? boxVoxelCount(region) : image.data.length),
  };
}

function planImages(
  volume: Volume,
  dimensionality: 2 | 3,
  roi: Roi,
  options: ExplainOptions,
  notes: string[],
): PlannedImage[] {
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
    // The organ is scored on the slices explained: the slice, the ROI's slab, or all of them.
    const region = fullBox(volume.dimensions);
    if (options.scope !== 'volume') [region.min[2], region.max[2]] = [box.min[2], box.max[2]];
    return [{ slice: null, region, image, box, mask: roi.mask }];
  }
  const candidates = options.scope === 'slice' ? [options.slice!] : Array.from({ length: nz }, (_, k) => k);
  const jobs: PlannedImage[] = [];
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
