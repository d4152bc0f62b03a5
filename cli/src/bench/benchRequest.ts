import { MethodId } from '@xai-clip/engine';
import { ExplainRequest } from '@xai-clip/runtime';
import { BenchSlice } from './benchSlice';
import { Variant } from './schema';

/** One explanation to run: a method, its variant, and whether occlusion runs coarse-to-fine. */
export interface RunKind {
  method: MethodId;
  variant: Variant;
  coarseToFine: boolean;
}

/**
 * The one translation of the benchmark's settings into an explanation request: the same window
 * grid, samples, fill, target, batch and seed for both variants; the ROI for the ROI variant only.
 */
export function benchRequest(at: BenchSlice, kind: RunKind): ExplainRequest {
  const { settings } = at;
  const { method, variant, coarseToFine } = kind;
  return {
    organ: at.organ.organ,
    method,
    roi: variant === 'full' ? 'none' : at.roiMode,
    roiShape: settings.roiShape,
    scope: 'slice',
    slice: at.slice,
    windowMm: settings.windowMm,
    strideMm: settings.strideMm,
    outsideTileFactor: settings.outsideTileFactor,
    outsideTiles: settings.outsideTiles,
    samples: method === 'rise' ? settings.riseMasks : method === 'lime' ? settings.limeSamples : undefined,
    methodOptions: settings.methodOptions[method],
    fill: settings.fill,
    target: settings.target,
    batchSize: settings.batchSize,
    seed: settings.seed,
    coarseToFine: coarseToFine && { factor: settings.coarseFactor, refineFraction: settings.refineFraction },
  };
}
