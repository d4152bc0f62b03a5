import { topPercentMask } from '../engine/saliency/topPercentMask';
import { organMaskSegments } from '../seg/organMaskSegments';
import { saliencySegments } from '../seg/saliencySegments';
import { segParameters } from '../seg/segParameters';
import { topPercentSegments } from '../seg/topPercentSegments';
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
  /**
   * A labelmap of `mask` (one segment) added for the save only: its id, and `discard` to remove it
   * once the SEG is made, so that the viewer ends as it was.
   */
  temporaryLabelmap(
    result: ExplainedResult,
    mask: Uint8Array,
    segment: { label: string; color: number[] },
  ): Promise<{ segmentationId: string; discard(): void }>;
}

/** What to save, and what to undo in the viewer once it is saved. */
export interface SegPlan {
  request: ViewerSegRequest;
  /** Removes what the plan added to the viewer (the top-k % mask's labelmap). */
  discard?(): void;
}

/** The top-k % mask's overlay colour: the top of the saliency's inferno scale. */
const TOP_COLOR = [252, 255, 164, 255];

/**
 * What Save as DICOM SEG saves of the last result: the saliency levels, one segment per visible
 * level, the top-k % mask of the explained slices (on a labelmap added for the save only), or the
 * model's predicted organ; with organ codes, and the resolved request as the
 * algorithm's parameters. Refuses, saying what to do, when there is no result, it is empty, or
 * its overlay was removed from the viewer.
 */
export async function segRequestOf(
  result: ExplainedResult | undefined,
  sources: SegSources,
  { segContent, segType, segTopPercent }: Pick<PanelSettings, 'segContent' | 'segType' | 'segTopPercent'>,
): Promise<SegPlan> {
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
      request: {
        ...common,
        segmentationId: requireShown(sources, await sources.organMask()),
        segments: organMaskSegments({ organ, color: ORGAN_COLOR, version: xaiClipVersion, parameters }),
        seriesDescription: `XAI-CLIP predicted ${organ}`,
        contentLabel: 'ORGAN',
        contentDescription: `Predicted ${organ} mask explained by XAI-CLIP ${method}`,
      },
    };
  }
  if (!(saliency.max > 0)) {
    throw new Error(
      'The saliency is zero everywhere: nothing to save as DICOM SEG, and no file was written. Explain a ' +
        'slice where the model finds the organ (tick "Show the model\'s predicted organ" to see where it does).',
    );
  }
  if (segContent === 'topk') {
    if (!(segTopPercent > 0 && segTopPercent <= 100)) {
      throw new Error(
        `Top % must be a percentage above 0 and at most 100, got ${segTopPercent}. No file was written.`,
      );
    }
    const [nx, ny] = result.series.dimensions;
    const mask = topPercentMask(result.saliency, nx * ny, report.slices, segTopPercent);
    const segments = topPercentSegments({
      method,
      organ,
      percent: segTopPercent,
      color: TOP_COLOR,
      version: xaiClipVersion,
      parameters,
    });
    const { segmentationId, discard } = await sources.temporaryLabelmap(result, mask, {
      label: segments[0].SegmentLabel,
      color: TOP_COLOR,
    });
    return {
      request: {
        ...common,
        segmentationId,
        segments,
        seriesDescription: `XAI-CLIP top ${segTopPercent} % ${method} ${organ}`,
        contentLabel: 'SALIENCY_TOP',
        contentDescription: `Top ${segTopPercent} % of the ${method} saliency of ${organ}`,
      },
      discard,
    };
  }
  return {
    request: {
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
    },
  };
}

function requireShown(sources: SegSources, segmentationId: string | undefined): string {
  if (!sources.isShown(segmentationId)) {
    throw new Error('The XAI-CLIP overlay was removed from the viewer; click Explain again, then save.');
  }
  return segmentationId;
}
