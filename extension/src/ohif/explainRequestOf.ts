import { ExplainRequest } from '../runtime/runExplanation';
import { PanelSettings } from './panelState';

/** The runtime's request for the panel's settings, on volume slice `slice` (the one shown). */
export function explainRequestOf(settings: PanelSettings, slice: number): ExplainRequest {
  return {
    organ: settings.organ,
    method: settings.method,
    roi: settings.roi,
    roiShape: settings.roiShape,
    scope: settings.scope,
    slice,
    ...(settings.scope === 'slice' ? {} : { sliceStride: settings.sliceStride }),
    windowMm: settings.windowMm,
    strideMm: settings.strideMm,
    samples: settings.samples,
    methodOptions: settings.methodOptions[settings.method],
    coarseToFine: settings.method === 'occlusion' && settings.coarseToFine,
  };
}
