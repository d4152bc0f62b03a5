import { Progress } from '../engine/evaluate/ProgressTracker';
import { MethodId } from '../engine/methods/PerturbationMethod';
import { ExplainRequest } from '../runtime/runExplanation';
import { largestOrganSlice, OrganSurvey, sliceVerdict } from '../runtime/surveyOrgan';
import { organMaskSegments } from '../seg/organMaskSegments';
import { saliencySegments } from '../seg/saliencySegments';
import { segParameters } from '../seg/segParameters';
import { xaiClipVersion } from '../version';
import { CancelledError, ExplainWorkerClient } from '../worker/ExplainWorkerClient';
import { SliceInspection } from '../worker/messages';
import { ExplanationReport } from '../runtime/reportOf';
import { describeSegExport } from './describeSegExport';
import { exportSeg, SegExport } from './exportSeg';
import { ViewerSegRequest } from './generateViewerSeg';
import {
  CommandsManager,
  CornerstoneLibraries,
  CornerstoneViewport,
  ExtensionManager,
  PubSub,
  Services,
  XaiClipConfig,
} from './ohifTypes';
import {
  ActiveSeries,
  activeViewport,
  ensureVolumeLoaded,
  readActiveVolume,
  SeriesLoadingError,
} from './readActiveVolume';
import { roiOutline } from './roiOutline';
import { segStoreTarget, SegStoreTarget } from './segStoreTarget';
import { SaliencyOverlay, writeSaliencyLabelmap } from './writeSaliencyLabelmap';
import { setOverlayOpacity, writeLabelmap } from './writeLabelmap';

export interface PanelSettings {
  organ: string;
  method: MethodId;
  roi: 'clip' | 'mask' | 'none';
  /** The ROI as the organ's region or as its bounding box (the paper's). */
  roiShape: 'mask' | 'box';
  scope: 'slice' | 'slab' | 'volume';
  windowMm: number;
  strideMm: number;
  /** RISE masks or LIME samples; unset: the method's own default (its registry entry). */
  samples?: number;
  levels: number;
  opacity: number;
  /** Occlusion: windows twice as large first, then the fine windows only where that saliency is high. */
  coarseToFine: boolean;
  /** Also show the outline of the ROI the perturbations were confined to. */
  showRoi: boolean;
  /** Also show the model's predicted organ mask. */
  showOrganMask: boolean;
  /** What "Save as DICOM SEG" saves: the saliency levels or the model's predicted organ mask. */
  segContent: 'saliency' | 'organ';
  /** Binary SEG (…66.4, read everywhere) or label-map SEG (…66.7, smaller). */
  segType: 'binary' | 'labelmap';
}

export interface PanelState {
  settings: PanelSettings;
  status: 'idle' | 'running' | 'done' | 'error' | 'cancelled';
  stage?: string;
  progress?: Progress;
  message?: string;
  /** How the panel shows `message` when the status alone does not say (a save's outcome). */
  messageTone?: 'error' | 'success';
  /** A DICOM SEG is being built, downloaded and stored. */
  saving?: boolean;
  backend?: string;
  fallbackReason?: string;
  classes: string[];
  report?: ExplanationReport;
  overlay?: SaliencyOverlay;
  /** Segmentation ids of the ROI and organ-mask overlays, when shown. */
  roiOverlay?: string;
  organOverlay?: string;
  /** Where the selected organ is in the active series (model and localiser), once surveyed. */
  survey?: SurveyState;
  /** Slice k (volume order) the active viewport shows. */
  currentSlice?: number;
  /** A run held back until the user confirms it: the organ is doubtful on the slice. */
  confirm?: { message: string };
}

/** The organ survey of one series: running, done or failed. */
export interface SurveyState {
  displaySetInstanceUID: string;
  organ: string;
  result?: OrganSurvey;
  /** imageIds[k] of the surveyed series: where "Go to" sends the viewport. */
  imageIds: string[];
  /** stackPositions[k]: where slice k is in the viewport's stack (its numbering starts at 0 there too). */
  stackPositions: number[];
  error?: string;
}

const DEFAULT_SETTINGS: PanelSettings = {
  organ: 'liver',
  method: 'occlusion',
  roi: 'clip',
  roiShape: 'mask',
  scope: 'slice',
  windowMm: 20,
  strideMm: 10,
  coarseToFine: false,
  levels: 6,
  opacity: 0.5,
  showRoi: false,
  showOrganMask: false,
  segContent: 'saliency',
  segType: 'binary',
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
  private surveyTimer?: ReturnType<typeof setTimeout>;
  private surveyRunId?: number;
  private stopFollowingSlices?: () => void;
  /** What the context overlays and saved SEGs are drawn from: the last result, its series and settings. */
  private last?: {
    series: ActiveSeries;
    saliency: Float32Array;
    organMask: Uint8Array;
    roiMask?: Uint8Array;
    report: ExplanationReport;
    settings: PanelSettings;
  };

  constructor(
    private readonly services: Services,
    private readonly extensionManager: ExtensionManager,
    private readonly commandsManager: CommandsManager,
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
    const onChange = () => {
      this.cancel('The active series changed; the explanation was cancelled.');
      this.scheduleSurvey();
    };
    for (const event of ['ACTIVE_VIEWPORT_ID_CHANGED', 'GRID_STATE_CHANGED']) {
      if (grid.EVENTS?.[event])
        this.unsubscribers.push(grid.subscribe(grid.EVENTS[event], onChange).unsubscribe);
    }
    const viewports = this.services.cornerstoneViewportService as Partial<PubSub>;
    if (viewports.subscribe && viewports.EVENTS?.VIEWPORT_DATA_CHANGED) {
      this.unsubscribers.push(
        viewports.subscribe(viewports.EVENTS.VIEWPORT_DATA_CHANGED, () => this.scheduleSurvey()).unsubscribe,
      );
    }
    this.scheduleSurvey();
  }

  detach(): void {
    this.cancel();
    clearTimeout(this.surveyTimer);
    this.stopFollowingSlices?.();
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
    if (settings.organ !== undefined) {
      this.setState({ confirm: undefined });
      this.scheduleSurvey();
    }
  }

  /** Adds or removes the ROI-outline and predicted-organ overlays of the last result to match the settings. */
  private async syncContextOverlays(): Promise<void> {
    const { last } = this;
    if (!last) return;
    const libraries = this.libraries();
    const { segmentationService } = this.services;
    const { showRoi, showOrganMask } = this.state.settings;
    if (showRoi && !this.state.roiOverlay) {
      const outline = roiOutline(last.report.roiBoxes, last.series.volume.dimensions, 2, last.roiMask);
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
  async explain(
    overrides: Partial<PanelSettings> & { confirmed?: boolean } = {},
  ): Promise<ExplanationReport | undefined> {
    if (this.state.status === 'running') {
      this.notify('warning', 'An explanation is already running. Wait for it or press Cancel.');
      return undefined;
    }
    const { confirmed, ...settingsOverrides } = overrides;
    const settings = { ...this.state.settings, ...settingsOverrides };
    const doubt = confirmed ? undefined : this.doubtBeforeRun(settings);
    if (doubt) {
      this.setState({ settings, confirm: { message: doubt } });
      this.notify('warning', doubt);
      return undefined;
    }
    // Marked running before the first await, so that a double click cannot start two runs.
    this.setState({
      confirm: undefined,
      settings,
      status: 'running',
      stage: 'Reading the series',
      progress: undefined,
      message: undefined,
      messageTone: undefined,
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
    const model = this.modelFor(series.displaySet.Modality);
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
      roiShape: settings.roiShape,
      scope: settings.scope,
      slice: series.currentSlice,
      windowMm: settings.windowMm,
      strideMm: settings.strideMm,
      samples: settings.samples,
      coarseToFine: settings.method === 'occlusion' && settings.coarseToFine,
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
      const { saliency, organMask, roiMask, report } = await run.done;
      if (this.runningId !== run.id) return undefined;
      this.setState({ stage: 'Drawing the overlay' });
      const overlay = await writeSaliencyLabelmap(this.services, libraries, series, saliency, {
        method: settings.method,
        organ: report.organ,
        levels: settings.levels,
        opacity: settings.opacity,
      });
      this.last = { series, saliency, organMask, roiMask, report, settings };
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

  /**
   * Saves the last result as a DICOM SEG (`exportSeg`): the saliency levels or, with segContent
   * "organ", the model's predicted organ mask (whose overlay is added if not shown). The panel's
   * message says what was saved and where; nothing is changed in the viewer, so a failed store
   * can be retried. Refuses, with a message, when there is no result, it is empty, its overlay
   * was removed, or another save or an explanation is running.
   */
  async saveSeg(overrides: Partial<PanelSettings> = {}): Promise<SegExport | undefined> {
    if (this.state.saving || this.state.status === 'running') {
      this.notify('warning', 'Wait for the running explanation or save to finish, then save again.');
      return undefined;
    }
    const settings = { ...this.state.settings, ...overrides };
    this.setState({ settings, saving: true, message: 'Saving as DICOM SEG…', messageTone: undefined });
    try {
      const result = await exportSeg(
        {
          services: this.services,
          libraries: this.libraries(),
          commandsManager: this.commandsManager,
          extensionManager: this.extensionManager,
        },
        await this.segRequest(settings),
      );
      const message = describeSegExport(result);
      const failed = result.storeError !== undefined;
      this.setState({ saving: false, message, messageTone: failed ? 'error' : 'success' });
      this.notify(failed ? 'error' : 'success', message);
      return result;
    } catch (error) {
      const message = (error as Error).message;
      this.setState({ saving: false, message, messageTone: 'error' });
      this.notify('error', message);
      return undefined;
    }
  }

  /** What to save, checked: the last result's overlay (saliency or predicted organ) and its segments. */
  private async segRequest(settings: PanelSettings): Promise<ViewerSegRequest> {
    const { last } = this;
    const overlay = this.state.overlay;
    if (!last || !overlay) throw new Error('There is no XAI-CLIP result to save yet: click Explain first.');
    const { report } = last;
    const { method, organ } = report;
    const parameters = segParameters(report);
    const common = { series: last.series, type: settings.segType, version: xaiClipVersion };
    if (settings.segContent === 'organ') {
      if (!last.organMask.some((v) => v > 0)) {
        throw new Error(
          `The model predicts no ${organ} on the explained slices, so the organ mask is empty: nothing to save, ` +
            'no file was written. Explain a slice where the organ is visible.',
        );
      }
      if (!this.state.organOverlay) {
        this.setState({ settings: { ...this.state.settings, showOrganMask: true } });
        await this.syncContextOverlays();
      }
      return {
        ...common,
        segmentationId: this.requireSegmentation(this.state.organOverlay),
        segments: organMaskSegments({ organ, color: ORGAN_COLOR, version: xaiClipVersion, parameters }),
        seriesDescription: `XAI-CLIP predicted ${organ}`,
        contentLabel: 'ORGAN',
        contentDescription: `Predicted ${organ} mask explained by XAI-CLIP ${method}`,
      };
    }
    if (!(overlay.max > 0)) {
      throw new Error(
        'The saliency is zero everywhere: nothing to save as DICOM SEG, and no file was written. Explain a ' +
          'slice where the model finds the organ (tick "Show the model\'s predicted organ" to see where it does).',
      );
    }
    return {
      ...common,
      segmentationId: this.requireSegmentation(overlay.segmentationId),
      segments: saliencySegments({
        method,
        organ,
        lowerEdges: overlay.legend.map((level) => level.lowerEdge),
        version: xaiClipVersion,
        parameters,
      }),
      seriesDescription: `XAI-CLIP ${method} saliency ${organ}`,
      contentLabel: 'SALIENCY',
      contentDescription: `${method} saliency of ${organ} in ${overlay.legend.length} levels`,
    };
  }

  /** Where a saved SEG goes besides the download: the active DICOMweb source, or why there is none. */
  segStoreTarget(): SegStoreTarget {
    return segStoreTarget(this.extensionManager, location.href);
  }

  /** The id of an overlay that is still in the viewer. */
  private requireSegmentation(segmentationId: string | undefined): string {
    if (!segmentationId || !this.services.segmentationService.getSegmentation(segmentationId)) {
      throw new Error('The XAI-CLIP overlay was removed from the viewer; click Explain again, then save.');
    }
    return segmentationId;
  }

  /** Stops the running explanation; the viewer stays as it was. */
  cancel(message = 'Cancelled; nothing was changed.'): void {
    if (this.runningId === undefined || !this.worker) return;
    this.worker.cancel(this.runningId);
    this.setState({ message });
  }

  /** The active series' volume, waiting (with a message) while its slices still load. */
  async readSeries(
    libraries: CornerstoneLibraries = this.libraries(),
    announce = true,
  ): Promise<ActiveSeries> {
    try {
      return readActiveVolume(this.services, libraries);
    } catch (error) {
      if (!(error instanceof SeriesLoadingError)) throw error;
      if (announce) this.setState({ stage: 'Waiting for the series to finish loading' });
      await ensureVolumeLoaded(this.services, libraries);
      return readActiveVolume(this.services, libraries);
    }
  }

  /**
   * The doubt to raise before a slice run, or undefined: the survey finds the organ on the current
   * slice by the model and the localiser alike (or has not finished: a run is never held for it).
   */
  private doubtBeforeRun(settings: PanelSettings): string | undefined {
    const { survey } = this.state;
    const shown = activeViewport(this.services).viewport?.getCurrentImageId?.();
    const currentSlice = shown && survey ? survey.imageIds.indexOf(shown) : -1;
    if (settings.scope !== 'slice' || !survey?.result || currentSlice < 0) return undefined;
    if (survey.organ !== settings.organ) return undefined;
    const verdict = sliceVerdict(survey.result, currentSlice);
    const organ = survey.result.organ.replace('_', ' ');
    if (verdict.modelFinds && verdict.clipFinds !== false) return undefined;
    if (verdict.modelFinds) {
      return `The model predicts ${organ} here (${verdict.modelVoxels} pixels), but the localiser finds none: likely a false positive. Explain anyway?`;
    }
    if (verdict.clipFinds) {
      return `The localiser finds ${organ} here, but the model predicts none, so the saliency would be 0. Explain anyway?`;
    }
    return `Neither the model nor the localiser finds ${organ} on this slice. Explain anyway?`;
  }

  /** Surveys the active series for the selected organ shortly after the viewer settles. */
  private scheduleSurvey(): void {
    clearTimeout(this.surveyTimer);
    this.surveyTimer = setTimeout(() => void this.survey(), 300);
  }

  /**
   * Where the selected organ is in the active series: segments every slice and scores its CLIP
   * map in the worker (the series keeps its voxels), then, the first time a series is surveyed,
   * shows the slice where the organ is largest. Skips a series and organ already surveyed.
   */
  private async survey(): Promise<void> {
    if (this.config.survey?.enabled === false) return;
    const libraries = this.libraries();
    const organ = this.state.settings.organ;
    const known = this.state.survey;
    const active = activeViewport(this.services);
    // Surveyed already: only follow the viewport, without reading the series' voxels again.
    if (known && known.displaySetInstanceUID === active.displaySetInstanceUID && known.organ === organ) {
      if (active.viewport) this.followSlices(active.viewport, known.imageIds, libraries);
      return;
    }
    let series: ActiveSeries;
    try {
      series = await this.readSeries(libraries, false);
    } catch {
      return; // no image series in the active viewport yet: a later viewer event retries
    }
    this.followSlices(series.viewport, series.imageIds, libraries);
    const uid = series.displaySet.displaySetInstanceUID;
    const model = this.modelFor(series.displaySet.Modality);
    if (!model) return;
    const firstLook = known?.displaySetInstanceUID !== uid;
    const stack = series.viewport.getImageIds();
    const state: SurveyState = {
      displaySetInstanceUID: uid,
      organ,
      imageIds: series.imageIds,
      stackPositions: series.imageIds.map((imageId) => stack.indexOf(imageId)),
    };
    this.setState({ survey: state });
    this.worker ??= new ExplainWorkerClient(this.createWorker());
    // A survey of another series or organ would only slow this one down.
    if (this.surveyRunId !== undefined) this.worker.cancel(this.surveyRunId);
    const run = this.worker.survey(
      {
        manifestUrl: new URL(model.url, location.href).href,
        executionProviders: this.config.survey?.executionProviders ??
          this.config.executionProviders ?? ['webgpu', 'wasm'],
        organ,
        volume: series.volume,
      },
      { onModel: ({ classes }) => this.useClasses(classes) },
    );
    this.surveyRunId = run.id;
    try {
      const result = await run.done;
      if (this.state.survey !== state) return; // superseded by another series or organ
      this.setState({ survey: { ...state, result } });
      const largest = largestOrganSlice(result);
      if (firstLook && largest !== undefined && this.state.currentSlice === series.currentSlice) {
        await this.goToSlice(largest);
      }
    } catch (error) {
      if (this.state.survey === state)
        this.setState({ survey: { ...state, error: (error as Error).message } });
    } finally {
      if (this.surveyRunId === run.id) this.surveyRunId = undefined;
    }
  }

  /** The organ list of the series' model; a selected organ that model lacks becomes its first. */
  private useClasses(classes: string[]): void {
    const organs = classes.filter((name) => name !== 'background');
    const { organ } = this.state.settings;
    const known = organs.some((name) => name.toLowerCase() === organ.toLowerCase());
    this.setState({ classes });
    if (!known && organs.length > 0) {
      this.setState({
        settings: { ...this.state.settings, organ: organs[0] },
        message: `This series' model does not segment "${organ}"; the organ is now ${organs[0]} (its organs: ${organs.join(', ')}).`,
      });
      this.scheduleSurvey();
    }
  }

  /** Shows the slice where the surveyed organ is largest. */
  async goToOrgan(): Promise<void> {
    const result = this.state.survey?.result;
    const largest = result && largestOrganSlice(result);
    if (largest === undefined) {
      this.notify('info', `Neither model nor localiser finds ${this.state.settings.organ} in this series.`);
      return;
    }
    this.setState({ confirm: undefined });
    await this.goToSlice(largest);
  }

  /** Shows slice k (volume order) of the surveyed series in the active viewport. */
  private async goToSlice(k: number): Promise<void> {
    const imageId = this.state.survey?.imageIds[k];
    const { viewport } = activeViewport(this.services);
    const index = imageId ? (viewport?.getImageIds().indexOf(imageId) ?? -1) : -1;
    if (!viewport?.setImageIdIndex || index < 0) return;
    await viewport.setImageIdIndex(index);
    viewport.render();
    this.setState({ currentSlice: k });
  }

  /** Keeps `currentSlice` in step with the viewport as the user scrolls. */
  private followSlices(
    viewport: CornerstoneViewport,
    imageIds: string[],
    { cornerstone }: CornerstoneLibraries,
  ): void {
    this.stopFollowingSlices?.();
    const update = () => {
      const current = viewport.getCurrentImageId?.();
      const k = current ? imageIds.indexOf(current) : -1;
      if (k >= 0 && k !== this.state.currentSlice) this.setState({ currentSlice: k, confirm: undefined });
    };
    const element = viewport.element;
    const events = [
      cornerstone.Enums.Events.STACK_NEW_IMAGE,
      cornerstone.Enums.Events.VOLUME_NEW_IMAGE,
    ].filter(Boolean);
    events.forEach((event) => element?.addEventListener(event, update));
    this.stopFollowingSlices = () => events.forEach((event) => element?.removeEventListener(event, update));
    update();
  }

  /** Slice k of the active series as the network receives it and as the model labels it (parity checks). */
  async inspectSlice(k: number): Promise<SliceInspection> {
    const series = await this.readSeries(this.libraries());
    const model = this.modelFor(series.displaySet.Modality);
    if (!model) throw new Error(`No XAI-CLIP model is configured for ${series.displaySet.Modality} series.`);
    this.worker ??= new ExplainWorkerClient(this.createWorker());
    return this.worker.inspect({
      manifestUrl: new URL(model.url, location.href).href,
      executionProviders: this.config.executionProviders ?? ['webgpu', 'wasm'],
      slice: k,
      volume: series.volume,
    });
  }

  private modelFor(modality: string) {
    return this.config.models.find((m) => m.modalities.includes(modality));
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
