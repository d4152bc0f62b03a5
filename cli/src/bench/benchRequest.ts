import { MethodId } from '@xai-clip/engine';
import { ExplainRequest } from '@xai-clip/runtime';
import { BenchSlice } from './benchSlice';
import { Variant } from './schema';
import { BenchSettings } from './settings';

/** One explanation to run: a method, its variant, and whether occlusion runs coarse-to-fine. */
export interface RunKind {
  method: MethodId;
  variant: Variant;
  coarseToFine: boolean;
}

/**
 * The one translation of the benchmark's settings into an explanation request: the same window
 * grid, RISE cell size and masks per cell, LIME superpixels and samples per feature, fill, target,
 * batch and seed for both variants; the ROI for the ROI variant only. `--method-option` values win.
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
    methodOptions: { ...likeForLikeOptions(settings, method), ...settings.methodOptions[method] },
    fill: settings.fill,
    target: settings.target,
    batchSize: settings.batchSize,
    seed: settings.seed,
    coarseToFine: coarseToFine && { factor: settings.coarseFactor, refineFraction: settings.refineFraction },
  };
}

/** The budgets that scale with the box (`BenchSettings.riseCellMm` …), as the method's options; 0 leaves them off. */
function likeForLikeOptions(settings: BenchSettings, method: MethodId): Record<string, number> {
  if (method === 'rise' && settings.riseMasksPerCell > 0) {
    return { cellMm: settings.riseCellMm, masksPerCell: settings.riseMasksPerCell };
  }
  if (method === 'rise') return { cellMm: settings.riseCellMm };
  if (method === 'lime' && settings.limeSamplesPerFeature > 0) {
    return { samplesPerFeature: settings.limeSamplesPerFeature };
  }
  return {};
}
