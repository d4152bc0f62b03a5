import { Progress } from '../engine/evaluate/ProgressTracker';
import { MethodId } from '../engine/methods/PerturbationMethod';
import { ExplainRequest } from '../runtime/runExplanation';
import { CancelledError, ExplainWorkerClient } from '../worker/ExplainWorkerClient';
import { ExplainReport } from '../worker/messages';
import { CornerstoneLibraries, ExtensionManager, Services, XaiClipConfig } from './ohifTypes';
import { ActiveSeries, ensureVolumeLoaded, readActiveVolume, SeriesLoadingError } from './readActiveVolume';
import { roiOutline } from './roiOutline';
import { SaliencyOverlay, writeSaliencyLabelmap } from './writeSaliencyLabelmap';
import { setOverlayOpacity, writeLabelmap } from './writeLabelmap';

export interface PanelSettings {
  organ: string;
  method: MethodId;
  roi: 'clip' | 'mask' | 'none';
  scope: 'slice' | 'slab' | 'volume';
  windowMm: number;
  strideMm: number;
  samples: number;
  levels: number;
  opacity: number;
  /** Also show the ROI box the perturbations were confined to. */
  showRoi: boolean;
  /** Also show the model's predicted organ mask. */
  showOrganMask: boolean;
}

export interface PanelState {
  settings: PanelSettings;
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  stage?: string;
  progress?: Progress;
  message?: string;
  backend?: string;
  fallbackReason?: string;
  classes: string[];
  report?: ExplainReport;
  overlay?: SaliencyOverlay;
  /** Segmentation ids of the ROI and organ-mask overlays, when shown. */
  roiOverlay?: string;
  organOverlay?: string;
}

const DEFAULT_SETTINGS: PanelSettings = {
  organ: 'liver',
  method: 'occlusion',
  roi: 'clip',
  scope: 'slice',
  windowMm: 20,
  strideMm: 10,
  samples: 300,
  levels: 6,
  opacity: 0.5,
  showRoi: false,
  showOrganMask: false,
};

/** Colours of the context overlays: ROI outline cyan, predicted organ green. */
const ROI_COLOR = [90, 204, 230, 255];
const ORGAN_COLOR = [60, 200, 90, 255];

/**
 * The extension's state and actions, shared by the panel, the toolbar command and tests:
 * reads the active series, runs the worker, writes the overlay. One run at a time; a second
 * request while running is refused with a message; a new active series cancels the run.
 */
export class XaiClipController {
  state: PanelState;
  private readonly listeners = new Set<(state: PanelState) => void>();
  private worker?: ExplainWorkerClient;
  private runningId?: number;
  private readonly unsubscribers: (() => void)[] = [];
  /** What the context overlays are drawn from: the last result and its series. */
  private last?: { series: ActiveSeries; organMask: Uint8Array; report: ExplainReport };

  constructor(
    private readonly services: Services,
    private readonly extensionManager: ExtensionManager,
    private readonly config: XaiClipConfig,
    private readonly createWorker: () => Worker,
  ) {
    this.state = {
      settings: { ...DEFAULT_SETTINGS, ...(config.defaults as Partial<PanelSettings>) },
      status: 'idle',
      classes: [],
    };
  }

  /** Starts listening to the viewer (on mode enter). */
  attach(): void {
    const grid = this.services.viewportGridService;
    const cancelOnChange = () => this.cancel('The active series changed; the explanation was cancelled.');
    for (const event of ['ACTIVE_VIEWPORT_ID_CHANGED', 'GRID_STATE_CHANGED']) {
      if (grid.EVENTS?.[event])
        this.unsubscribers.push(grid.subscribe(grid.EVENTS[event], cancelOnChange).unsubscribe);
    }
    void this.loadClasses();
  }

  detach(): void {
    this.cancel();
    this.unsubscribers.splice(0).forEach((unsubscribe) => unsubscribe());
    this.worker?.terminate();
    this.worker = undefined;
  }

  subscribe(listener: (state: PanelState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  updateSettings(settings: Partial<PanelSettings>): void {
    this.setState({ settings: { ...this.state.settings, ...settings } });
    if (settings.opacity !== undefined && this.state.overlay) {
      setOverlayOpacity(
        this.libraries().cornerstoneTools,
        this.state.overlay.segmentationId,
        settings.opacity,
      );
    }
    if (settings.showRoi !== undefined || settings.showOrganMask !== undefined)
      void this.syncContextOverlays();
  }

  /** Adds or removes the ROI-box and predicted-organ overlays of the last result to match the settings. */
  private async syncContextOverlays(): Promise<void> {
    const { last } = this;
    if (!last) return;
    const libraries = this.libraries();
    const { segmentationService } = this.services;
    const { showRoi, showOrganMask } = this.state.settings;
    if (showRoi && !this.state.roiOverlay) {
      const outline = roiOutline(last.report.roiBoxes, last.series.volume.dimensions);
      const id = await writeLabelmap(this.services, libraries, last.series, outline, {
        label: `XAI-CLIP ROI (${last.report.roi.source})`,
        segments: [{ label: `XAI-CLIP ROI ${last.report.organ}`, color: ROI_COLOR }],
        opacity: 0.9,
      });
      this.setState({ roiOverlay: id });
    } else if (!showRoi && this.state.roiOverlay) {
      segmentationService.remove(this.state.roiOverlay);
      this.setState({ roiOverlay: undefined });
    }
    if (showOrganMask && !this.state.organOverlay) {
      const id = await writeLabelmap(this.services, libraries, last.series, last.organMask, {
        label: `XAI-CLIP predicted ${last.report.organ}`,
        segments: [{ label: `Predicted ${last.report.organ}`, color: ORGAN_COLOR }],
        opacity: 0.3,
      });
      this.setState({ organOverlay: id });
    } else if (!showOrganMask && this.state.organOverlay) {
      segmentationService.remove(this.state.organOverlay);
      this.setState({ organOverlay: undefined });
    }
  }

  /** Runs an explanation of the active series with the panel's settings (plus overrides). */
  async explain(overrides: Partial<PanelSettings> = {}): Promise<ExplainReport | undefined> {
    if (this.state.status === 'running') {
      this.notify('warning', 'An explanation is already running. Wait for it or press Cancel.');
      return undefined;
    }
    const settings = { ...this.state.settings, ...overrides };
    // Marked running before the first await, so that a double click cannot start two runs.
    this.setState({
      settings,
      status: 'running',
      stage: 'Reading the series',
      progress: undefined,
      message: undefined,
      report: undefined,
    });
    const libraries = this.libraries();
    let series;
    try {
      series = await this.readSeries(libraries);
    } catch (error) {
      this.fail((error as Error).message);
      return undefined;
    }
    const model = this.config.models.find((m) => m.modalities.includes(series.displaySet.Modality));
    if (!model) {
      this.fail(
        `No XAI-CLIP model is configured for ${series.displaySet.Modality} series (models exist for ${[...new Set(this.config.models.flatMap((m) => m.modalities))].join(', ')}).`,
      );
      return undefined;
    }
    const request: ExplainRequest = {
      organ: settings.organ,
      method: settings.method,
      roi: settings.roi,
      scope: settings.scope,
      slice: series.currentSlice,
      windowMm: settings.windowMm,
      strideMm: settings.strideMm,
      samples: settings.samples,
    };
    this.worker ??= new ExplainWorkerClient(this.createWorker());
    const voxels = series.volume.data;
    const run = this.worker.run(
      {
        manifestUrl: new URL(model.url, location.href).href,
        executionProviders: this.config.executionProviders ?? ['webgpu', 'wasm'],
        request,
        volume: { ...series.volume, data: voxels },
      },
      {
        onStage: (stage) => this.setState({ stage }),
        onModel: ({ backend, fallbackReason, classes }) =>
          this.setState({ backend, fallbackReason, classes }),
        onProgress: (progress) => this.setState({ progress }),
      },
    );
    this.runningId = run.id;
    try {
      const { saliency, organMask, report } = await run.done;
      if (this.runningId !== run.id) return undefined;
      this.setState({ stage: 'Drawing the overlay' });
      const overlay = await writeSaliencyLabelmap(this.services, libraries, series, saliency, {
        method: settings.method,
        organ: report.organ,
        levels: settings.levels,
        opacity: settings.opacity,
      });
      this.last = { series, organMask, report };
      this.setState({ roiOverlay: undefined, organOverlay: undefined });
      await this.syncContextOverlays();
      this.setState({
        status: 'done',
        stage: undefined,
        report,
        overlay,
        backend: report.backend,
        fallbackReason: report.fallbackReason,
      });
      return report;
    } catch (error) {
      if (error instanceof CancelledError) {
        this.setState({
          status: 'cancelled',
          stage: undefined,
          message: this.state.message ?? 'Cancelled; nothing was changed.',
        });
      } else {
        this.fail((error as Error).message);
      }
      return undefined;
    } finally {
      if (this.runningId === run.id) this.runningId = undefined;
    }
  }

  /** Stops the running explanation; the viewer stays as it was. */
  cancel(message = 'Cancelled; nothing was changed.'): void {
    if (this.runningId === undefined || !this.worker) return;
    this.worker.cancel(this.runningId);
    this.setState({ message });
  }

  /** The active series' volume, waiting (with a message) while its slices still load. */
  private async readSeries(libraries: CornerstoneLibraries) {
    try {
      return readActiveVolume(this.services, libraries);
    } catch (error) {
      if (!(error instanceof SeriesLoadingError)) throw error;
      this.setState({ stage: 'Waiting for the series to finish loading' });
      await ensureVolumeLoaded(this.services, libraries);
      return readActiveVolume(this.services, libraries);
    }
  }

  private async loadClasses(): Promise<void> {
    const first = this.config.models[0];
    if (!first) return;
    try {
      const manifest = await (await fetch(first.url)).json();
      this.setState({ classes: manifest.segmenter.classes });
    } catch {
      this.setState({
        message: `The model manifest ${first.url} could not be loaded; check window.config.xaiClip.models.`,
      });
    }
  }

  private libraries(): CornerstoneLibraries {
    const entry = this.extensionManager.getModuleEntry('@ohif/extension-cornerstone.utilityModule.common');
    if (!entry) throw new Error('The cornerstone extension is not loaded.');
    return entry.exports.getCornerstoneLibraries();
  }

  private fail(message: string): void {
    this.setState({ status: 'error', stage: undefined, message });
    this.notify('error', message);
  }

  private notify(type: 'error' | 'warning' | 'info' | 'success', message: string): void {
    this.services.uiNotificationService?.show({ title: 'XAI-CLIP', message, type, duration: 6000 });
  }

  private setState(partial: Partial<PanelState>): void {
    this.state = { ...this.state, ...partial };
    this.listeners.forEach((listener) => listener(this.state));
  }
}
