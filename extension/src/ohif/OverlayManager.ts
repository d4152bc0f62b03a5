import { ExplainedResult } from './ExplainedResult';
import { HeatmapLayer } from './HeatmapLayer';
import { CornerstoneLibraries, Services } from './ohifTypes';
import { roiOutline } from './roiOutline';
import { RunDetails, RunRegistry } from './RunRegistry';
import { RunningSaliency } from './RunningSaliency';
import { SeriesLayout } from './SeriesLayout';
import { ViewerSlices } from './viewerSlices';
import { fillLabelmap, setOverlayOpacity, writeLabelmap } from './writeLabelmap';
import { SaliencyOverlay, writeSaliencyLabelmap } from './writeSaliencyLabelmap';

/** Colours of the context overlays: ROI outline cyan, predicted organ green. */
const ROI_COLOR = [90, 204, 230, 255];
export const ORGAN_COLOR = [60, 200, 90, 255];

/**
 * How runs show their saliency: a continuous heatmap, or the levels labelmap (which a run always
 * has: Save as DICOM SEG saves it, and the refining map is drawn in levels).
 */
export type SaliencyDisplay = 'heatmap' | 'levels';

export interface DisplaySettings {
  mode: SaliencyDisplay;
  opacity: number;
  threshold: number;
}

/**
 * A run's overlays: its saliency levels (a labelmap, hidden while the heatmap shows), its
 * heatmap, and, while shown, its ROI outline and predicted organ.
 */
export interface RunOverlays {
  saliency: SaliencyOverlay;
  heatmap: HeatmapLayer;
  roiOutline?: string;
  organMask?: string;
}

/** A run as the viewer keeps it: its result (maps, report, series) and its labelmaps. */
export interface ExplainedRun {
  result: ExplainedResult;
  overlays: RunOverlays;
}

/**
 * The labelmaps of the session's runs (`runs`): each run's saliency levels and, on request, the
 * outline of its ROI and the model's predicted organ, shown or hidden with OHIF's segmentation
 * visibility as the run list says; and a running run's refining overlay. `saliency`,
 * `roiOutline` and `organMask` are the current run's (the visible run shown last). Other
 * segmentations are never changed.
 */
export class OverlayManager {
  readonly runs = new RunRegistry<ExplainedRun>();
  /** The running run's refining overlay, while shown; painted in turn, the final result replaces it. */
  private refining?: Promise<string | undefined>;
  /** A paint is queued and not started: a newer map waits for it instead of queueing another. */
  private paintQueued = false;

  get saliency(): SaliencyOverlay | undefined {
    return this.runs.current()?.payload.overlays.saliency;
  }

  /** Segmentation ids of the current run's context overlays, while shown. */
  get roiOutline(): string | undefined {
    return this.runs.current()?.payload.overlays.roiOutline;
  }

  get organMask(): string | undefined {
    return this.runs.current()?.payload.overlays.organMask;
  }

  constructor(
    private readonly services: Services,
    private readonly libraries: () => CornerstoneLibraries,
    /** How the runs' saliency is shown (setDisplay). */
    private display: DisplaySettings,
  ) {}

  /**
   * Adds a result as a new run, its saliency levels labelled uniquely (method, organ, slices as
   * the viewer numbers them, time) and its heatmap masked to `body` (the series' body mask); the
   * earlier runs are hidden. Its context overlays start hidden.
   */
  async addRun(
    result: ExplainedResult,
    options: { levels: number; opacity: number },
    slices: ViewerSlices,
    finishedAt: number,
    body: Uint8Array,
  ): Promise<void> {
    const { report, series } = result;
    const details: RunDetails = {
      method: report.method,
      organ: report.organ,
      slices,
      roi: { source: report.roi.source, fraction: report.roi.fraction },
      passes: report.passes,
      explainMs: report.explainMs,
      finishedAt,
      seriesDescription: series.displaySet.SeriesDescription ?? '',
    };
    const label = this.runs.labelFor(details, this.segmentationLabels());
    const saliency = await writeSaliencyLabelmap(this.services, this.libraries(), series, result.saliency, {
      ...options,
      method: report.method,
      organ: report.organ,
      label,
    });
    // Named after its levels' segmentation: unique, and the same run's.
    const heatmap = new HeatmapLayer(this.services, this.libraries, series, result.saliency, body, {
      max: saliency.max,
      style: this.display,
      id: saliency.segmentationId,
    });
    this.runs.add(details, label, { result, overlays: { saliency, heatmap } });
    this.showRunsAsListed();
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
          // The running map alone: the runs shown show again if it is cancelled or fails.
          this.showRunsAsListed();
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

  /**
   * Removes the refining overlay once its paints are done (the run ended, failed or was
   * cancelled), and shows the runs as the list says again.
   */
  async dropPartial(): Promise<void> {
    const segmentationId = await this.refining;
    this.refining = undefined;
    if (segmentationId !== undefined && this.isShown(segmentationId)) {
      this.services.segmentationService.remove(segmentationId);
    }
    this.showRunsAsListed();
  }

  /** Adds or removes the current run's ROI-outline and predicted-organ overlays to match `show`. */
  async showContext(show: { roi: boolean; organMask: boolean }): Promise<void> {
    const current = this.runs.current();
    if (!current) return;
    const { result, overlays } = current.payload;
    const { report, series } = result;
    const { label } = current.summary;
    const { segmentationService } = this.services;
    if (show.roi && !overlays.roiOutline) {
      const outline = roiOutline(report.roiBoxes, series.dimensions, 2, result.roiMask);
      overlays.roiOutline = await writeLabelmap(this.services, this.libraries(), series, outline, {
        label: roiOutlineLabel(label, report.roi.source),
        segments: [{ label: `XAI-CLIP ROI ${report.organ}`, color: ROI_COLOR }],
        opacity: 0.9,
      });
    } else if (!show.roi && overlays.roiOutline) {
      segmentationService.remove(overlays.roiOutline);
      overlays.roiOutline = undefined;
    }
    if (show.organMask && !overlays.organMask) {
      overlays.organMask = await writeLabelmap(this.services, this.libraries(), series, result.organMask, {
        label: organMaskLabel(label, report.organ),
        segments: [{ label: `Predicted ${report.organ}`, color: ORGAN_COLOR }],
        opacity: 0.3,
      });
    } else if (!show.organMask && overlays.organMask) {
      segmentationService.remove(overlays.organMask);
      overlays.organMask = undefined;
    }
  }

  /** Shows or hides a run (a run shown becomes the current one). */
  setRunVisible(id: string, visible: boolean): void {
    this.runs.setVisible(id, visible);
    this.showRunsAsListed();
  }

  /** Removes a run and its own segmentations (saliency, ROI outline, predicted organ), no other. */
  removeRun(id: string): void {
    const { overlays } = this.runs.remove(id);
    overlays.heatmap.hide();
    for (const segmentationId of segmentationsOf(overlays)) {
      if (this.isShown(segmentationId)) this.services.segmentationService.remove(segmentationId);
    }
  }

  /** Renames a run, and its segmentations in OHIF's list with it. */
  renameRun(id: string, label: string): void {
    this.runs.rename(id, label, this.segmentationLabels());
    const { summary, payload } = this.runs.get(id);
    const { overlays, result } = payload;
    const labels: [string | undefined, string][] = [
      [overlays.saliency.segmentationId, summary.label],
      [overlays.roiOutline, roiOutlineLabel(summary.label, result.report.roi.source)],
      [overlays.organMask, organMaskLabel(summary.label, result.report.organ)],
    ];
    for (const [segmentationId, newLabel] of labels) {
      if (this.isShown(segmentationId))
        this.services.segmentationService.addOrUpdateSegmentation({ segmentationId, label: newLabel });
    }
  }

  /** Compares two runs by toggling: `a` shown alone, then `swapCompared` shows `b` instead. */
  compareRuns(a: string, b: string): void {
    this.runs.compare(a, b);
    this.showRunsAsListed();
  }

  swapCompared(): void {
    this.runs.swapCompared();
    this.showRunsAsListed();
  }

  /**
   * Follows a segmentation the user removed in OHIF's panel: a run whose saliency went is dropped
   * with its other overlays; a context overlay is forgotten. Returns whether a run changed.
   */
  forgetRemoved(segmentationId: string): boolean {
    for (const { summary, payload } of this.runs.list()) {
      const { overlays } = payload;
      if (overlays.saliency.segmentationId === segmentationId) {
        this.removeRun(summary.id);
        return true;
      }
      if (overlays.roiOutline === segmentationId) overlays.roiOutline = undefined;
      else if (overlays.organMask === segmentationId) overlays.organMask = undefined;
      else continue;
      return true;
    }
    return false;
  }

  /** Forgets every run: the viewer removed their segmentations (it left the mode). */
  forgetRuns(): void {
    this.runs.list().forEach(({ payload }) => payload.overlays.heatmap.hide());
    this.runs.clear();
  }

  /**
   * Makes every viewport showing a run's overlays show or hide them as the run list says (the
   * saliency as the display says: heatmap, where the viewport can show it, or levels), or hide them all while a refining overlay is
   * shown (so that maps never mix). OHIF shows a series' segmentations again when the series comes
   * back: this hides the hidden runs' again.
   */
  showRunsAsListed(): void {
    for (const { summary, payload } of this.runs.list()) {
      const { saliency, heatmap, roiOutline, organMask } = payload.overlays;
      const visible = summary.visible && this.refining === undefined;
      // A viewport that cannot show the heatmap (MPR) shows the levels instead.
      const asHeatmap = visible && this.display.mode === 'heatmap' && heatmap.canShow();
      this.setVisibility([saliency.segmentationId], visible && !asHeatmap);
      this.setVisibility(
        [roiOutline, organMask].filter((id): id is string => id !== undefined),
        visible,
      );
      if (asHeatmap) heatmap.show();
      else heatmap.hide();
    }
  }

  /**
   * How every run shows its saliency: `mode` heatmap or levels; `opacity` (0–1) of both;
   * `threshold`, the fraction of a run's maximum below which its heatmap is transparent.
   */
  setDisplay(display: DisplaySettings): void {
    this.display = display;
    for (const { overlays } of this.runs.list().map((run) => run.payload)) {
      overlays.heatmap.setStyle(display);
      if (this.isShown(overlays.saliency.segmentationId))
        setOverlayOpacity(
          this.libraries().cornerstoneTools,
          overlays.saliency.segmentationId,
          display.opacity,
        );
    }
    this.showRunsAsListed();
  }

  /** Whether a segmentation is still in the viewer (the user may have removed it). */
  isShown(segmentationId: string | undefined): segmentationId is string {
    return (
      segmentationId !== undefined &&
      Boolean(this.services.segmentationService.getSegmentation(segmentationId))
    );
  }

  /** Sets the segmentations' visibility in every viewport that shows them, where it differs. */
  private setVisibility(segmentationIds: string[], visible: boolean): void {
    const { cornerstoneTools } = this.libraries();
    const { visibility } = cornerstoneTools.segmentation.config;
    const type = cornerstoneTools.Enums.SegmentationRepresentations.Labelmap;
    for (const segmentationId of segmentationIds.filter((id) => this.isShown(id))) {
      for (const viewportId of this.services.segmentationService.getViewportIdsWithSegmentation(
        segmentationId,
      )) {
        const specifier = { segmentationId, type };
        if (visibility.getSegmentationRepresentationVisibility(viewportId, specifier) !== visible)
          visibility.setSegmentationRepresentationVisibility(viewportId, specifier, visible);
      }
    }
  }

  private segmentationLabels(): string[] {
    return this.services.segmentationService.getSegmentations().map((segmentation) => segmentation.label);
  }
}

/** The segmentation ids of a run's overlays. */
function segmentationsOf(overlays: RunOverlays): string[] {
  return [overlays.saliency.segmentationId, overlays.roiOutline, overlays.organMask].filter(
    (id): id is string => id !== undefined,
  );
}

/** A context overlay is named after its run, so that OHIF's list says which run it belongs to. */
const roiOutlineLabel = (runLabel: string, source: string) => `${runLabel} · ROI (${source})`;
const organMaskLabel = (runLabel: string, organ: string) => `${runLabel} · predicted ${organ}`;
