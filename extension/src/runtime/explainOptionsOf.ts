import { BatchTuner } from '../engine/evaluate/BatchTuner';
import { ExplainOptions } from '../engine/explain/explainVolume';
import { Roi } from '../engine/roi/Roi';
import { Volume } from '../engine/volume/Volume';
import { ResolvedRequest } from './resolveRequest';
import { sliceStrideOf } from './sliceStrideOf';

/**
 * The engine's options for a resolved request (its organ's class, ROI and batch size found):
 * one place, so that a rerun of the explanation (the sanity checks) runs exactly its settings.
 * Hooks (progress, cancel, partial maps) and the outside-ROI pass are the caller's.
 */
export function explainOptionsOf(
  request: ResolvedRequest,
  classIndex: number,
  roi: Roi | undefined,
  volume: Volume,
  batchSize: number | BatchTuner,
): ExplainOptions & { methodOptions: Record<string, number | string> } {
  return {
    classIndex,
    method: request.method,
    methodOptions: methodOptionsOf(request),
    refine: request.coarseToFine,
    roi,
    scope: request.scope,
    slice: request.slice,
    sliceStride: sliceStrideOf(request.sliceStride, volume.spacing[2]),
    target: request.target,
    fill: request.fill,
    batchSize,
    seed: request.seed,
  };
}

/** The method's own options in a resolved request. */
function methodOptionsOf(request: ResolvedRequest): Record<string, number | string> {
  return { ...firstClassOptionsOf(request), ...request.methodOptions };
}

/** The method options that have request fields of their own. */
function firstClassOptionsOf(request: ResolvedRequest): Record<string, number | string> {
  if (request.method === 'occlusion') {
    const { windowMm, strideMm, outsideTileFactor, outsideTiles } = request;
    // The outside tiles only where they act: the outside of an ROI.
    return Object.fromEntries(
      Object.entries({ windowMm, strideMm, outsideTileFactor, outsideTiles }).filter(
        ([, v]) => v !== undefined,
      ),
    ) as Record<string, number | string>;
  }
  return { [request.method === 'rise' ? 'masks' : 'samples']: request.samples! };
}
