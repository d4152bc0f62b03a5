import { organMaskSegments } from '../seg/organMaskSegments';
import { saliencySegments } from '../seg/saliencySegments';
import { segParameters } from '../seg/segParameters';
import { xaiClipVersion } from '../version';
import { ExplainedResult } from './ExplainedResult';
import { ViewerSegRequest } from './generateViewerSeg';
import { ORGAN_COLOR } from './OverlayManager';
import { PanelSettings } from './panelState';
import { SaliencyOverlay } from './writeSaliencyLabelmap';

/** The overlays a SEG is made from. */
export interface SegSources {
  saliency?: SaliencyOverlay;
  /** The predicted organ's overlay id, added to the viewer if it is not shown. */
  organMask(): Promise<string | undefined>;
  /** Whether a segmentation is still in the viewer. */
  isShown(segmentationId: string | undefined): segmentationId is string;
}

/**
 * What Save as DICOM SEG saves of the last result: the saliency levels, one segment per visible
 * level, or the model's predicted organ; with organ codes, and the resolved request as the
 * algorithm's parameters. Refuses, saying what to do, when there is no result, it is empty, or
 * its overlay was removed from the viewer.
 */
export async function segRequestOf(
  result: ExplainedResult | undefined,
  sources: SegSources,
  { segContent, segType }: Pick<PanelSettings, 'segContent' | 'segType'>,
): Promise<ViewerSegRequest> {
  const { saliency } = sources;
  if (!result || !saliency) throw new Error('There is no XAI-CLIP result to save yet: click Explain first.');
  const { report } = result;
  const { method, organ } = report;
  const parameters = segParameters(report);
  const common = { series: result.series, type: segType, version: xaiClipVersion };
  if (segContent === 'organ') {
    if (!result.organMask.some((v) => v > 0)) {
      throw new Error(
        `The model predicts no ${organ} on the explained slices, so the organ mask is empty: nothing to save, ` +
          'no file was written. Explain a slice where the organ is visible.',
      );
    }
    return {
      ...common,
      segmentationId: requireShown(sources, await sources.organMask()),
      segments: organMaskSegments({ organ, color: ORGAN_COLOR, version: xaiClipVersion, parameters }),
      seriesDescription: `XAI-CLIP predicted ${organ}`,
      contentLabel: 'ORGAN',
      contentDescription: `Predicted ${organ} mask explained by XAI-CLIP ${method}`,
    };
  }
  if (!(saliency.max > 0)) {
    throw new Error(
      'The saliency is zero everywhere: nothing to save as DICOM SEG, and no file was written. Explain a ' +
        'slice where the model finds the organ (tick "Show the model\'s predicted organ" to see where it does).',
    );
  }
  return {
    ...common,
    segmentationId: requireShown(sources, saliency.segmentationId),
    segments: saliencySegments({
      method,
      organ,
      lowerEdges: saliency.legend.map((level) => level.lowerEdge),
      version: xaiClipVersion,
      parameters,
    }),
    seriesDescription: `XAI-CLIP ${method} saliency ${organ}`,
    contentLabel: 'SALIENCY',
    contentDescription: `${method} saliency of ${organ} in ${saliency.legend.length} levels`,
  };
}

function requireShown(sources: SegSources, segmentationId: string | undefined): string {
  if (!sources.isShown(segmentationId)) {
    throw new Error('The XAI-CLIP overlay was removed from the viewer; click Explain again, then save.');
  }
  return segmentationId;
}
