import { ExplainedResult } from './ExplainedResult';
import { CornerstoneLibraries, Services } from './ohifTypes';
import { roiOutline } from './roiOutline';
import { RunningSaliency } from './RunningSaliency';
import { SeriesLayout } from './SeriesLayout';
import { fillLabelmap, setOverlayOpacity, writeLabelmap } from './writeLabelmap';
import { SaliencyOverlay, writeSaliencyLabelmap } from './writeSaliencyLabelmap';

/** Colours of the context overlays: ROI outline cyan, predicted organ green. */
const ROI_COLOR = [90, 204, 230, 255];
export const ORGAN_COLOR = [60, 200, 90, 255];

/**
 * The labelmaps showing the last result: its saliency levels and, on request, the outline of its
 * ROI and the model's predicted organ. A new result gets new overlays; those of an earlier result
 * stay in the viewer, no longer managed here. Other segmentations are never changed.
 */
export class OverlayManager {
  saliency?: SaliencyOverlay;
  /** Segmentation ids of the context overlays, while shown. */
  roiOutline?: string;
  organMask?: string;
  /** The running run's refining overlay, while shown; painted in turn, the final result replaces it. */
  private refining?: Promise<string | undefined>;
  /** A paint is queued and not started: a newer map waits for it instead of queueing another. */
  private paintQueued = false;

  constructor(
    private readonly services: Services,
    private readonly libraries: () => CornerstoneLibraries,
  ) {}

  /** Shows a new result's saliency levels (its context overlays start hidden). */
  async showSaliency(
    result: ExplainedResult,
    options: { method: string; levels: number; opacity: number },
  ): Promise<void> {
    this.saliency = await writeSaliencyLabelmap(
      this.services,
      this.libraries(),
      result.series,
      result.saliency,
      { ...options, organ: result.report.organ },
    );
    this.roiOutline = undefined;
    this.organMask = undefined;
  }

  /**
   * Paints a running map with the final map's binning: the first call adds a "(refining)"
   * labelmap, later ones refill it. Paints run one after another and read `saliency` when they
   * start, so maps that come while one is queued join it; one that fails is skipped (the final
   * result still comes).
   */
  showPartial(
    series: SeriesLayout,
    saliency: RunningSaliency,
    options: { method: string; organ: string; levels: number; opacity: number },
  ): void {
    if (this.paintQueued) return;
    this.paintQueued = true;
    const previous = this.refining ?? Promise.resolve(undefined);
    this.refining = previous.then(async (segmentationId) => {
      this.paintQueued = false;
      try {
        if (segmentationId === undefined) {
          const overlay = await writeSaliencyLabelmap(
            this.services,
            this.libraries(),
            series,
            saliency.volume(),
            {
              ...options,
              method: `${options.method} (refining)`,
            },
          );
          return overlay.segmentationId;
        }
        const binned = saliency.binnedSlices(options.levels);
        fillLabelmap(
          this.libraries(),
          series,
          segmentationId,
          (k) => binned.get(k),
          this.services.segmentationService,
        );
      } catch {
        // A preview only: the segmentation (if any) is removed by dropPartial.
      }
      return segmentationId;
    });
  }

  /** Removes the refining overlay once its paints are done (the run ended, failed or was cancelled). */
  async dropPartial(): Promise<void> {
    const segmentationId = await this.refining;
    this.refining = undefined;
    if (segmentationId !== undefined && this.isShown(segmentationId)) {
      this.services.segmentationService.remove(segmentationId);
    }
  }

  /** Adds or removes the result's ROI-outline and predicted-organ overlays to match `show`. */
  async showContext(result: ExplainedResult, show: { roi: boolean; organMask: boolean }): Promise<void> {
    const { report, series } = result;
    if (show.roi && !this.roiOutline) {
      const outline = roiOutline(report.roiBoxes, series.dimensions, 2, result.roiMask);
      this.roiOutline = await writeLabelmap(this.services, this.libraries(), series, outline, {
        label: `XAI-CLIP ROI (${report.roi.source})`,
        segments: [{ label: `XAI-CLIP ROI ${report.organ}`, color: ROI_COLOR }],
        opacity: 0.9,
      });
    } else if (!show.roi && this.roiOutline) {
      this.services.segmentationService.remove(this.roiOutline);
      this.roiOutline = undefined;
    }
    if (show.organMask && !this.organMask) {
      this.organMask = await writeLabelmap(this.services, this.libraries(), series, result.organMask, {
        label: `XAI-CLIP predicted ${report.organ}`,
        segments: [{ label: `Predicted ${report.organ}`, color: ORGAN_COLOR }],
        opacity: 0.3,
      });
    } else if (!show.organMask && this.organMask) {
      this.services.segmentationService.remove(this.organMask);
      this.organMask = undefined;
    }
  }

  /** Fill opacity (0–1) of the saliency levels. */
  setOpacity(opacity: number): void {
    if (this.saliency)
      setOverlayOpacity(this.libraries().cornerstoneTools, this.saliency.segmentationId, opacity);
  }

  /** Whether a segmentation is still in the viewer (the user may have removed it). */
  isShown(segmentationId: string | undefined): segmentationId is string {
    return (
      segmentationId !== undefined &&
      Boolean(this.services.segmentationService.getSegmentation(segmentationId))
    );
  }
}
