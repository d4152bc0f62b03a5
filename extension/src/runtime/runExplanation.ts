import { explainVolume, ExplainResult } from '../engine/explain/explainVolume';
import { PartialSaliencyCallback, PartialSaliencySchedule } from '../engine/explain/PartialSaliencySchedule';
import { ProgressCallback } from '../engine/evaluate/ProgressTracker';
import { getMethod } from '../engine/methods';
import { clipRoi } from '../engine/roi/clipRoi';
import { Roi } from '../engine/roi/Roi';
import { roiFromMask } from '../engine/roi/roiFromMask';
import { roiUnion } from '../engine/roi/roiUnion';
import { Vec3, Volume } from '../engine/volume/Volume';
import { clipRoiSettings } from './clip/clipRoiSettings';
import { contextSlices } from './clip/contextSlices';
import { LoadedModel } from './loadModel';
import { batchTunerFor, LARGEST_AUTO_BATCH } from './memory/batchTunerFor';
import { ExplainedTarget } from './ExplainedTarget';
import { explainedTargetOf } from './explainedTargetOf';
import { planBatch } from './memory/planBatch';
import { BatchPlan } from './memory/planBatchSize';
import { predictedOrganMask } from './predictedOrganMask';
import { resolveOrgan } from './resolveOrgan';
import { resolveTargetRegion } from './resolveTargetRegion';
import { roiMarginVoxels } from './roiMarginVoxels';
import { roiSourceOf } from './roiSourceOf';
import { targetLabelOf } from './targetLabelOf';
import { explainOptionsOf } from './explainOptionsOf';
import { ExplainRequest } from './ExplainRequest';
import { ResolvedRequest, resolveRequest } from './resolveRequest';
import { PassTimes } from '../engine/evaluate/BatchTuner';

export type { ExplainRequest, TargetRegionRequest } from './ExplainRequest';

export interface Explanation {
  /** The request as it ran, every default filled in. */
  request: ResolvedRequest;
  result: ExplainResult;
  roi?: Roi;
  classIndex: number;
  className: string;
  /** What was explained: the predicted organ, one of its components, or a given region. */
  explainedTarget: ExplainedTarget;
  /** `explainedTarget` in words, e.g. "liver component 2 of 3 (14.2 mL)". */
  targetLabel: string;
  /** The explained region (volume grid, 0/1) when the request named one: what reruns score. */
  targetRegion?: Uint8Array;
  methodOptions: object;
  /** Whether the map ranks the outside of the ROI (occlusion's coarse tiles) instead of leaving it 0. */
  outsideRanked: boolean;
  /**
   * The batch size that ran (the request's, capped to the memory budget; an auto batch's choice)
   * and the estimate behind it.
   */
  batch: BatchPlan & { auto?: AutoBatch };
}

/** How an auto batch size was chosen. */
export interface AutoBatch {
  /** The tried sizes' fastest ms per pass; empty when an earlier run's choice was reused. */
  msPerPass: PassTimes;
  /** Whether the choice came from `ExplanationHooks.batchSizes`. */
  reused: boolean;
}

/** The two phases of an explanation: locating the organ (the ROI), then perturbing. */
export type ExplanationPhase = 'locate' | 'explain';

export interface ExplanationHooks {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Each step in words, for progress displays. */
  onStage?: (stage: string) => void;
  /** Each phase as it starts, for timing (the benchmark times the ROI apart). */
  onPhase?: (phase: ExplanationPhase) => void;
  /**
   * Bytes a batch of perturbed images may take while the model runs (the host's: the CLI's
   * --memory-budget, the viewer's tab budget); the batch size is lowered to fit. None: no cap.
   */
  memoryBudgetBytes?: number;
  /**
   * Auto batch sizes chosen so far, by model and backend: the host keeps the map across runs
   * (the worker for its lifetime) so that a model is tuned once. None: every run tunes.
   */
  batchSizes?: Map<string, number>;
  /**
   * Each explained image's running map while it is explained (about once a second) and its
   * finished map: a viewer paints them. The result is the same with or without.
   */
  onPartialSaliency?: PartialSaliencyCallback;
  /** The ms clock that times an auto batch's calls (tests inject one). */
  now?: () => number;
}

/** ROI (CLIP, predicted mask or none) → perturbation explanation of `volume` with a loaded model. */
export async function runExplanation(
  loaded: LoadedModel,
  volume: Volume,
  asked: ExplainRequest,
  hooks: ExplanationHooks = {},
): Promise<Explanation> {
  const request = resolveRequest(asked);
  const method = getMethod(request.method);
  const { classIndex, className } = resolveOrgan(loaded.manifest, request.organ);
  const outsideRanked = (request.outsideTileFactor ?? 0) > 0;
  // Before the ROI: a model that cannot fit fails before anything runs.
  const largest = request.batchSize === 'auto' ? LARGEST_AUTO_BATCH : request.batchSize;
  const plan = planBatch(loaded.segmenter, volume, largest, hooks.memoryBudgetBytes);
  const cacheKey = `${loaded.manifest.name} on ${loaded.backend}`;
  const tuner =
    request.batchSize === 'auto'
      ? batchTunerFor(plan, loaded.segmenter.fixedBatch, hooks.batchSizes?.get(cacheKey), hooks.now)
      : undefined;
  const reused = tuner?.chosen !== undefined;
  const { source, note } = roiSourceOf(request, loaded, className);
  hooks.onPhase?.('locate');
  hooks.onStage?.(`Locating ${className} (${source} ROI)`);
  // The organ's prediction on the scope's slices, made once: a component target and the mask ROI both read it.
  let prediction: Promise<Uint8Array> | undefined;
  const predicted = () => (prediction ??= predictedOrganMask(loaded.segmenter, volume, classIndex, request));
  const region =
    asked.targetRegion &&
    (await resolveTargetRegion(asked.targetRegion, loaded, volume, request, className, predicted));
  const margin = roiMarginVoxels(request, volume, loaded.segmenter.dimensionality);
  const organRoi = await buildRoi({ ...request, roi: source }, loaded, volume, classIndex, margin, predicted);
  // The explained region may lie outside the organ's ROI (a false positive elsewhere): the ROI covers it too.
  const roi =
    region && organRoi
      ? roiUnion(
          organRoi,
          roiFromMask(region.mask, volume.dimensions, margin, { shape: request.roiShape }),
          volume.dimensions,
        )
      : organRoi;
  hooks.onPhase?.('explain');
  hooks.onStage?.(`${request.coarseToFine ? 'Coarse-to-fine occlusion' : method.label} of ${className}`);
  const options = explainOptionsOf(request, classIndex, roi, volume, tuner ?? plan.batchSize);
  const result = await explainVolume(volume, loaded.segmenter, {
    ...options,
    targetRegion: region?.mask,
    // One pass per image: what the map cannot show, the model's use of context outside the ROI.
    measureOutsideRoi: request.roi !== 'none',
    signal: hooks.signal,
    onProgress: hooks.onProgress,
    partials: hooks.onPartialSaliency && new PartialSaliencySchedule(hooks.onPartialSaliency),
  });
  if (note) result.notes.unshift(note);
  const batch: Explanation['batch'] = tuner
    ? { ...plan, batchSize: tuner.fastest() ?? plan.batchSize, auto: { msPerPass: tuner.passTimes, reused } }
    : plan;
  // Only a finished tuning is kept: a short run's partial timings are not a choice.
  if (tuner?.chosen !== undefined) hooks.batchSizes?.set(cacheKey, tuner.chosen);
  const target = explainedTargetOf(region, result.targetRegionVoxels, volume.spacing);
  return {
    request,
    result: batch.note ? { ...result, notes: [batch.note, ...result.notes] } : result,
    roi,
    classIndex,
    className,
    explainedTarget: target,
    ...(region ? { targetRegion: region.mask } : {}),
    targetLabel: targetLabelOf(target, className),
    methodOptions: { ...method.defaults, ...options.methodOptions },
    outsideRanked,
    batch,
  };
}

async function buildRoi(
  request: ResolvedRequest,
  loaded: LoadedModel,
  volume: Volume,
  classIndex: number,
  margin: Vec3,
  /** The model's prediction of the organ on the scope's slices (the mask ROI's region). */
  predicted: () => Promise<Uint8Array>,
): Promise<Roi | undefined> {
  const className = loaded.segmenter.classNames[classIndex];
  if (request.roi === 'none') return undefined;
  const shape = request.roiShape;
  if (shape !== 'box' && shape !== 'mask') {
    throw new Error(`Unknown ROI shape "${String(shape)}". Use mask (the region) or box (its bounding box).`);
  }
  if (request.roi === 'mask') {
    const mask = await predicted();
    return roiFromMask(mask, volume.dimensions, margin, {
      emptyReason: `the model predicts no ${className}`,
      shape,
    });
  }
  if (request.roi !== 'clip') throw new Error(`Unknown ROI mode "${request.roi}". Use clip, mask or none.`);
  if (!loaded.clip) {
    throw new Error(
      `The model "${loaded.manifest.name}" has no CLIP part, so the CLIP ROI is not available; use the mask ROI or none.`,
    );
  }
  const others = loaded.clip.classes.filter((name) => name !== className);
  const slices =
    request.scope === 'slice' && request.slice !== undefined
      ? [request.slice]
      : Array.from({ length: volume.dimensions[2] }, (_, k) => k);
  // resolveOrgan has mapped the typed class name or synonym to className: prompt by the class,
  // whose embedding exists without a text encoder (precomputed, or its synonyms averaged).
  const { logitScale, contextMm } = clipRoiSettings(loaded.manifest.clip!, className);
  return clipRoi(
    volume,
    loaded.clip,
    { target: className, others },
    {
      slices,
      margin,
      logitScale,
      contextSlices: contextSlices(contextMm, volume.spacing[2]),
      shape,
    },
  );
}
