import { bodyMask } from '../engine/volume/bodyMask';
import { SanityReport } from '../engine/sanity/SanityReport';
import { buildReportHtml } from '../report/buildReportHtml';
import { sanityRows } from '../report/sanityRows';
import { resolveRequest } from '../runtime/resolveRequest';
import { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import { worldToVoxel } from '../engine/volume/worldToVoxel';
import { maskComponents } from '../engine/volume/maskComponents';
import { innermostVoxel } from '../engine/volume/innermostVoxel';
import { voxelToWorld } from '../engine/volume/volumeUtils';
import { ExplainRequest } from '../runtime/ExplainRequest';
import { Volume } from '../engine/volume/Volume';
import { ExplanationReport } from '../runtime/reportOf';
import { CancelledError } from '../worker/ExplainWorkerClient';
import { AnalysisRequest, AnalysisResult, SliceInspection } from '../worker/messages';
import { cornerstoneLibraries } from './cornerstoneLibraries';
import { describeRunCost } from './describeRunCost';
import { describeDicomExport } from './describeDicomExport';
import { downloadFile } from './downloadFile';
import { ExplainedResult } from './ExplainedResult';
import { EXPLAIN_EVENTS } from './explainEvents';
import { explainRequestOf } from './explainRequestOf';
import { ExplainSession } from './ExplainSession';
import { exportParametricMap, ParametricMapExport } from './exportParametricMap';
import { exportSeg, SegExport } from './exportSeg';
import { notify } from './notify';
import { CommandsManager, ExtensionManager, PubSub, Services, XaiClipConfig } from './ohifTypes';
import { OrganLocator } from './OrganLocator';
import { DisplaySettings, OverlayManager } from './OverlayManager';
import { DEFAULT_SETTINGS, OrganPieces, PanelSettings, PanelState } from './panelState';
import { PassSpeeds } from './PassSpeeds';
import { pickViewportPoint } from './pickViewportPoint';
import { ActiveSeries, activeViewport, readActiveVolumeWhenLoaded } from './readActiveVolume';
import { readSegmentMask } from './readSegmentMask';
import { CONFIRM_RUNS_LONGER_THAN_MS, runCostOf } from './runCostOf';
import { segRequestOf, SegSources } from './segRequestOf';
import { segmentChoices } from './segmentChoices';
import { segStoreTarget, SegStoreTarget } from './segStoreTarget';
import { layoutOf } from './SeriesLayout';
import { watchViewerActivity } from './watchViewerActivity';
import { writeLabelmap } from './writeLabelmap';
import { holdSegmentationStats } from './holdSegmentationStats';
import { RunningSaliency } from './RunningSaliency';
import { viewerSlicesOf } from './viewerSlices';
import { XaiClipStore } from './XaiClipStore';

/** How long the settings must be still before the cost is estimated again (typing a window size). */
const COST_DELAY_MS = 150;

/** Settings the cost and the questions before a run do not depend on. */
const DISPLAY_SETTINGS = new Set([
  'display',
  'levels',
  'opacity',
  'heatmapThreshold',
  'showRoi',
  'showOrganMask',
  'segContent',
  'segType',
  'segTopPercent',
  'faithfulnessRandom',
]);

/** How the overlays show the runs' saliency, from the panel's settings. */
function displayOf({ display, opacity, heatmapThreshold }: PanelSettings): DisplaySettings {
  return { mode: display, opacity, threshold: heatmapThreshold };
}

/** Settings that override the panel's for one run; `confirmed` runs a run the panel would ask about. */
export type ExplainOverrides = Partial<PanelSettings> & { confirmed?: boolean };

/**
 * What the panel and the commands do: explains the active series with the panel's settings and
 * shows the result, saves it as DICOM SEG, and keeps the store in step with the session (worker
 * runs), the organ locator (survey, slice shown) and the overlays, and the cost of the next run
 * (its passes and time, `cost`) in step with the settings. One run at a time: a second request
 * while running is refused with a message; a new active series cancels the run; a run estimated
 * to take over two minutes waits for the user's confirmation.
 */
export class XaiClipController {
  /** How many XAI-CLIP panels are on screen (`attachPanel`). */
  private panelsShown = 0;
  readonly store: XaiClipStore;
  private readonly session: ExplainSession;
  private readonly overlays: OverlayManager;
  private readonly locator: OrganLocator;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly libraries = () => cornerstoneLibraries(this.extensionManager);
  private costTimer?: ReturnType<typeof setTimeout>;
  /** The state the cost shown was estimated for. */
  private costedFor?: Pick<PanelState, 'settings' | 'survey' | 'currentSlice' | 'backend'>;
  /** The pick in the viewport that waits for its click, if any. */
  private picking?: AbortController;

  constructor(
    private readonly services: Services,
    private readonly extensionManager: ExtensionManager,
    private readonly commandsManager: CommandsManager,
    config: () => XaiClipConfig,
    createWorker: () => Worker,
    private readonly speeds = new PassSpeeds(typeof localStorage === 'undefined' ? undefined : localStorage),
  ) {
    this.store = new XaiClipStore({
      settings: { ...DEFAULT_SETTINGS, ...(config().defaults as Partial<PanelSettings>) },
      status: 'idle',
      classes: [],
      runs: [],
      segmentChoices: [],
    });
    this.session = new ExplainSession(config, createWorker);
    this.overlays = new OverlayManager(services, this.libraries, displayOf(this.store.state.settings));
    this.locator = new OrganLocator(services, this.libraries, config, this.store, this.session);
    this.session.subscribe(EXPLAIN_EVENTS.EXPLAIN_STAGE, ({ stage }) => this.store.set({ stage }));
    this.session.subscribe(EXPLAIN_EVENTS.EXPLAIN_MODEL, ({ backend, fallbackReason, classes, threads }) =>
      this.store.set({ backend, fallbackReason, classes, threads }),
    );
    this.session.subscribe(EXPLAIN_EVENTS.EXPLAIN_PROGRESS, (progress) => this.store.set({ progress }));
    this.store.subscribe((state) => this.followCost(state));
  }

  /** Starts following the viewer (on mode enter). */
  attach(): void {
    const grid = this.services.viewportGridService;
    const onActiveSeriesChange = () => {
      this.cancel('The active series changed; the explanation was cancelled.');
      // A piece picked on another series means nothing here.
      this.picking?.abort();
      this.store.set({ targetPick: undefined, pieces: undefined });
      this.locator.scheduleSurvey();
    };
    for (const event of ['ACTIVE_VIEWPORT_ID_CHANGED', 'GRID_STATE_CHANGED']) {
      if (grid.EVENTS?.[event])
        this.unsubscribers.push(grid.subscribe(grid.EVENTS[event], onActiveSeriesChange).unsubscribe);
    }
    const viewports = this.services.cornerstoneViewportService as Partial<PubSub>;
    if (viewports.subscribe && viewports.EVENTS?.VIEWPORT_DATA_CHANGED) {
      this.unsubscribers.push(
        viewports.subscribe(viewports.EVENTS.VIEWPORT_DATA_CHANGED, () => this.locator.scheduleSurvey())
          .unsubscribe,
      );
    }
    this.followSegmentations();
    this.locator.scheduleSurvey();
  }

  /** Stops following the viewer and ends the worker (on mode exit). */
  detach(): void {
    this.cancel();
    this.picking?.abort();
    clearTimeout(this.costTimer);
    this.locator.stop();
    this.unsubscribers.splice(0).forEach((unsubscribe) => unsubscribe());
    this.session.dispose();
    // The viewer drops every segmentation on leaving the mode.
    this.overlays.forgetRuns();
    this.publishRuns();
  }

  updateSettings(patch: Partial<PanelSettings>): void {
    this.store.setSettings(patch);
    if (patch.display !== undefined || patch.opacity !== undefined || patch.heatmapThreshold !== undefined)
      this.overlays.setDisplay(displayOf(this.store.state.settings));
    if (patch.showRoi !== undefined || patch.showOrganMask !== undefined) void this.showContext();
    // A question asked for other settings no longer applies.
    if (Object.keys(patch).some((key) => !DISPLAY_SETTINGS.has(key))) this.store.set({ confirm: undefined });
    if (patch.organ !== undefined) this.locator.scheduleSurvey();
  }

  /**
   * Explains the active series with the panel's settings (plus overrides) and shows the result.
   * A slice run the survey doubts, or a run estimated to take over two minutes, is held back with
   * the question (the panel's and the toolbar's Explain alike), unless `confirmed`. Resolves
   * to the report, or undefined when held, refused, cancelled or failed (the panel says why).
   */
  async explain(overrides: ExplainOverrides = {}): Promise<ExplanationReport | undefined> {
    const { store } = this;
    if (store.state.status === 'running') {
      notify(this.services, 'warning', 'An explanation is already running. Wait for it or press Cancel.');
      return undefined;
    }
    const { confirmed, ...settingsOverrides } = overrides;
    const settings = { ...store.state.settings, ...settingsOverrides };
    const doubt = confirmed
      ? undefined
      : (this.locator.doubtBeforeRun(settings) ?? this.longRunQuestion(settings));
    if (doubt) {
      store.set({ settings, confirm: { message: doubt } });
      this.tell('warning', doubt);
      return undefined;
    }
    // Marked running before the first await, so that a double click cannot start two runs.
    store.set({
      confirm: undefined,
      settings,
      status: 'running',
      stage: 'Reading the series',
      progress: undefined,
      partialUpdates: 0,
      message: undefined,
      messageTone: undefined,
      // The card and the legend come back with the run's result (or the current run's).
      report: undefined,
      overlay: undefined,
    });
    let resumeStats: (() => void) | undefined;
    // The viewer first: while the user steps or drags, the worker holds its next model call.
    const stopWatching = watchViewerActivity(() => this.session.noteViewerActivity());
    try {
      const series = await readActiveVolumeWhenLoaded(this.services, this.libraries(), () =>
        store.set({ stage: 'Waiting for the series to finish loading' }),
      );
      // The session hands the voxels to the worker: only the series' layout and body mask are kept.
      const layout = layoutOf(series);
      const body = bodyMask(series.volume.data, series.displaySet.Modality, series.volume.dimensions);
      const stack = series.viewport.getImageIds();
      // The images' running maps on the volume grid, painted as they come.
      const running = new RunningSaliency(layout.dimensions);
      resumeStats = holdSegmentationStats(this.services.customizationService);
      // Before the voxels go to the worker: a piece is located on them.
      const request = this.explainRequestFor(settings, series);
      const output = await this.session.explain(
        series.volume,
        series.displaySet.Modality,
        request,
        (partial) => {
          running.add(partial);
          store.set({ partialUpdates: (store.state.partialUpdates ?? 0) + 1 });
          this.overlays.showPartial(layout, running, settings);
        },
      );
      store.set({ stage: 'Drawing the overlay' });
      resumeStats();
      const result: ExplainedResult = { series: layout, request, ...output };
      const slices = viewerSlicesOf(output.report, layout.imageIds, stack);
      this.overlays.setDisplay(displayOf(settings));
      await this.overlays.addRun(result, settings, slices, Date.now(), body);
      // The new run shows once the refining overlay it replaces is gone.
      await this.overlays.dropPartial();
      await this.showContext();
      const { report } = result;
      // Per planned pass (run or skipped), as the estimate counts them.
      this.speeds.record(
        report.model,
        report.backend,
        report.passes + report.skippedPasses,
        report.explainMs,
      );
      this.costedFor = undefined; // re-estimated at the speed just measured
      store.set({
        status: 'done',
        stage: undefined,
        report,
        backend: report.backend,
        fallbackReason: report.fallbackReason,
      });
      return report;
    } catch (error) {
      // Only the run's own refining overlay goes; every other segmentation stays.
      await this.overlays.dropPartial();
      this.publishRuns();
      resumeStats?.();
      if (error instanceof CancelledError) {
        store.set({
          status: 'cancelled',
          stage: undefined,
          message: store.state.message ?? 'Cancelled; nothing was changed.',
        });
      } else {
        this.fail((error as Error).message);
      }
      return undefined;
    } finally {
      stopWatching();
    }
  }

  /**
   * Measures how faithful the current run's map is to the model (runFaithfulness, in the worker,
   * on the run's own target): deletion and insertion AUC, with the panel's faithfulnessRandom
   * (or the override's) a random order of the same voxels, and the pointing game. The figures
   * stay with the run; see `analyseRun` for progress, Cancel and refusals.
   */
  async measureFaithfulness(
    overrides: Pick<Partial<PanelSettings>, 'faithfulnessRandom'> = {},
  ): Promise<FaithfulnessReport | undefined> {
    const randomBaseline = overrides.faithfulnessRandom ?? this.store.state.settings.faithfulnessRandom;
    const answer = await this.analyseRun(
      { analysis: 'faithfulness', options: { randomBaseline } },
      'Faithfulness',
      'faithfulness measures the map of a finished run',
      () => this.store.setSettings(overrides),
    );
    return answer?.analysis === 'faithfulness' ? answer.figures : undefined;
  }

  /**
   * Runs the sanity checks of the current run (runSanityChecks, in the worker): the run explained
   * again as the reference, then on copies of the model with its layers randomised from the top
   * (the map must change), on a model that ignores its input (the map must be 0) and, for RISE and
   * LIME, with other seeds (the map must stay). The figures stay with the run; see `analyseRun`.
   */
  async checkSanity(): Promise<SanityReport | undefined> {
    const answer = await this.analyseRun(
      { analysis: 'sanity', options: {} },
      'The sanity checks',
      'the sanity checks rerun a finished run',
    );
    return answer?.analysis === 'sanity' ? answer.figures : undefined;
  }

  /**
   * Runs a post-run analysis of the current run in the worker on the run's own target, with
   * progress, cancelled by Cancel as a run is; its figures are kept with the run. Refuses, with a
   * message, while something runs, without a run, or when the active viewport shows another
   * series than the run's.
   */
  private async analyseRun(
    analysis: AnalysisRequest,
    name: string,
    needsRun: string,
    onStart?: () => void,
  ): Promise<AnalysisResult | undefined> {
    const { store } = this;
    if (store.state.status === 'running' || store.state.saving) {
      notify(this.services, 'warning', 'Wait for the running explanation, analysis or save to finish.');
      return undefined;
    }
    const result = this.last;
    if (!result) {
      this.refuse(`Explain first: ${needsRun}.`);
      return undefined;
    }
    const before = store.state.status;
    onStart?.();
    store.set({ status: 'running', stage: 'Reading the series', progress: undefined, message: undefined });
    try {
      const series = await readActiveVolumeWhenLoaded(this.services, this.libraries());
      if (series.displaySet.displaySetInstanceUID !== result.series.displaySet.displaySetInstanceUID) {
        throw new Error(
          'The active viewport shows another series than the run’s: show the run’s series, then try again.',
        );
      }
      const { request, saliency, roiMask, report } = result;
      const answer = await this.session.analyse(
        series.volume,
        series.displaySet.Modality,
        { request, saliency, roiMask, report },
        analysis,
      );
      if (answer.analysis === 'faithfulness') result.faithfulness = answer.figures;
      else result.sanity = answer.figures;
      store.set({ status: before, stage: undefined });
      this.publishRuns();
      return answer;
    } catch (error) {
      const cancelled = error instanceof CancelledError;
      const message = cancelled ? `${name} cancelled; the run is as it was.` : (error as Error).message;
      store.set({ status: before, stage: undefined, message, messageTone: cancelled ? undefined : 'error' });
      if (!cancelled) this.tell('error', message);
      return undefined;
    }
  }

  /**
   * Downloads the current run's one-page HTML report (buildReportHtml): the viewport as shown,
   * the settings, figures (faithfulness once measured), the model and its card. Refuses, with a
   * message, without a run. Returns the file's name.
   */
  exportReport(): string | undefined {
    const result = this.last;
    if (!result) {
      this.refuse('Explain first: the report describes a finished run.');
      return undefined;
    }
    const { report, series } = result;
    const viewport = this.services.cornerstoneViewportService.getCornerstoneViewport(series.viewportId);
    const shown = viewport?.getCurrentImageIdIndex?.();
    const html = buildReportHtml({
      report,
      source: `${series.displaySet.SeriesDescription || 'Series'} (${series.displaySet.Modality}, ${series.displaySet.SeriesInstanceUID})`,
      // As it ran, every default filled in; a region given as a mask by its label only.
      settings: { ...resolveRequest(result.request), methodOptions: undefined },
      image: viewport?.canvas && {
        dataUrl: viewport.canvas.toDataURL('image/png'),
        caption:
          shown === undefined
            ? 'The viewport with the run’s overlay'
            : `The viewport with the run’s overlay, image ${shown + 1}/${viewport.getImageIds().length}`,
      },
      modelCard: new URL('MODEL_CARD.md', this.session.manifestUrl(series.displaySet.Modality)).href,
      faithfulness: result.faithfulness,
      sanity: result.sanity && sanityRows(result.sanity),
      createdAt: new Date().toISOString(),
    });
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '');
    const fileName = `xai-clip-${report.method}-${report.organ}-${stamp}.html`;
    downloadFile(new TextEncoder().encode(html).buffer as ArrayBuffer, fileName, 'text/html');
    this.store.set({
      message: `Report saved as ${fileName}.`,
      messageTone: 'success',
      messageDetails: undefined,
    });
    return fileName;
  }

  /**
   * Waits for a click on the active viewport and keeps the point as the 'piece' target: the run
   * then explains the connected piece of the predicted organ there ("why is *this* the organ?").
   * A second call while waiting starts over; nothing in the viewer changes.
   */
  async pickTargetPiece(): Promise<void> {
    this.picking?.abort();
    const picking = new AbortController();
    this.picking = picking;
    const { viewport } = activeViewport(this.services);
    try {
      if (!viewport) throw new Error('No active viewport: load a CT or MR series into a viewport first.');
      this.store.set({ picking: true });
      const world = await pickViewportPoint(viewport, picking.signal);
      this.store.set({ targetPick: { world, slice: this.store.state.currentSlice ?? 0 } });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') {
        const message = (error as Error).message;
        this.store.set({ message, messageTone: 'error' });
        this.tell('error', message);
      }
    } finally {
      if (this.picking === picking) {
        this.picking = undefined;
        this.store.set({ picking: false });
      }
    }
  }

  /** Stops the running explanation; the viewer stays as it was. */
  cancel(message = 'Cancelled; nothing was changed.'): void {
    if (this.session.cancel()) this.store.set({ message });
  }

  goToOrgan(): Promise<void> {
    return this.locator.goToOrgan();
  }

  /**
   * Saves the last result: with segContent "pmap" its continuous saliency as a DICOM Parametric
   * Map (`exportParametricMap`), else a DICOM SEG (`exportSeg`) of the saliency levels or, with
   * "organ", of the model's predicted organ mask (whose overlay is added if not shown). The panel's
   * message says what was saved and where; nothing is changed in the viewer, so a failed store
   * can be retried. Refuses, with a message, when there is no result, it is empty, its overlay
   * was removed, or another save or an explanation is running.
   */
  async saveSeg(
    overrides: Partial<PanelSettings> = {},
  ): Promise<SegExport | ParametricMapExport | undefined> {
    const { store } = this;
    if (store.state.saving || store.state.status === 'running') {
      notify(
        this.services,
        'warning',
        'Wait for the running explanation or save to finish, then save again.',
      );
      return undefined;
    }
    const settings = { ...store.state.settings, ...overrides };
    const saving =
      settings.segContent === 'pmap' ? 'Saving as DICOM Parametric Map…' : 'Saving as DICOM SEG…';
    store.set({ settings, saving: true, message: saving, messageTone: undefined });
    try {
      const host = {
        services: this.services,
        libraries: this.libraries(),
        commandsManager: this.commandsManager,
        extensionManager: this.extensionManager,
      };
      const result =
        settings.segContent === 'pmap'
          ? await exportParametricMap(host, this.last)
          : await this.exportPlannedSeg(host, settings);
      const { summary, details } = describeDicomExport(result);
      const failed = result.storeError !== undefined;
      store.set({
        saving: false,
        message: summary,
        messageDetails: details,
        messageTone: failed ? 'error' : 'success',
      });
      this.tell(failed ? 'error' : 'success', summary);
      return result;
    } catch (error) {
      const message = (error as Error).message;
      store.set({ saving: false, message, messageTone: 'error' });
      this.tell('error', message);
      return undefined;
    }
  }

  /** Where a saved SEG goes besides the download: the active DICOMweb source, or why there is none. */
  segStoreTarget(): SegStoreTarget {
    return segStoreTarget(this.extensionManager, location.href);
  }

  /** The current run's result, its maps shared rather than copied: read them, never change them. */
  lastResult(): ExplainedResult | undefined {
    return this.last;
  }

  /** Shows or hides a run of the run list; a run shown becomes the current one. */
  showRun(id: string, visible: boolean): Promise<void> {
    return this.changeRuns(() => this.overlays.setRunVisible(id, visible));
  }

  /** Removes a run and its own segmentations; Save as DICOM SEG then saves the run still current, if any. */
  removeRun(id: string): Promise<void> {
    return this.changeRuns(() => this.overlays.removeRun(id));
  }

  renameRun(id: string, label: string): Promise<void> {
    return this.changeRuns(() => this.overlays.renameRun(id, label));
  }

  /** Compares two runs by toggling: shows `a` alone; `swapComparedRuns` shows `b` instead, and back. */
  compareRuns(a: string, b: string): Promise<void> {
    return this.changeRuns(() => this.overlays.compareRuns(a, b));
  }

  swapComparedRuns(): Promise<void> {
    return this.changeRuns(() => this.overlays.swapCompared());
  }

  /** The active series as the engine reads it: a fresh volume, the caller's own. */
  async readActiveVolume(): Promise<Volume> {
    return (await readActiveVolumeWhenLoaded(this.services, this.libraries())).volume;
  }

  /** Slice k of the active series as the network receives it and as the model labels it. */
  async inspectSlice(k: number): Promise<SliceInspection> {
    const series = await readActiveVolumeWhenLoaded(this.services, this.libraries());
    return this.session.inspect(series.volume, series.displaySet.Modality, k);
  }

  /**
   * The pieces (connected components) of the selected organ that the model predicts on the slice
   * shown, largest first, for the panel's pick list; false-positive islands are pieces too. One
   * model pass in the worker; `pickPiece` then picks one.
   */
  async listPieces(): Promise<OrganPieces | undefined> {
    const { organ } = this.store.state.settings;
    try {
      const series = await readActiveVolumeWhenLoaded(this.services, this.libraries());
      const { volume, currentSlice: k } = series;
      const { labels } = await this.session.inspect(volume, series.displaySet.Modality, k);
      const classIndex = this.store.state.classes.indexOf(organ);
      if (classIndex < 0) {
        throw new Error(
          `The model's classes are not known yet or lack "${organ}": wait for the organ survey, then list again.`,
        );
      }
      const mask = Uint8Array.from(labels, (label) => (label === classIndex ? 1 : 0));
      const [nx, ny] = volume.dimensions;
      const list = maskComponents(mask, { dimensions: [nx, ny, 1], spacing: volume.spacing }).map((piece) => {
        const v = innermostVoxel(piece, nx, ny);
        return {
          index: piece.index,
          voxels: piece.voxels,
          ml: piece.ml,
          world: voxelToWorld(volume, v % nx, Math.floor(v / nx), k),
        };
      });
      const pieces = { organ, slice: k, list };
      this.store.set({ pieces });
      return pieces;
    } catch (error) {
      this.refuse((error as Error).message);
      return undefined;
    }
  }

  /** Picks piece `index` of the listed pieces as the 'piece' target (as a click on it would). */
  pickPiece(index: number): void {
    const { pieces } = this.store.state;
    const piece = pieces?.list.find((p) => p.index === index);
    if (!pieces || !piece) {
      this.refuse('List the pieces on the slice first, then pick one.');
      return;
    }
    this.picking?.abort();
    this.store.set({ targetPick: { world: piece.world, slice: pieces.slice } });
  }

  /**
   * The runtime's request for the settings on `series`: a 'piece' target is explained on the slice
   * it was picked on, at the voxel picked; a 'segment' target sends the segment's voxels.
   */
  private explainRequestFor(settings: PanelSettings, series: ActiveSeries): ExplainRequest {
    const organ = settings.organ.replace(/_/g, ' ');
    if (settings.target === 'piece') {
      const pick = this.store.state.targetPick;
      if (!pick) {
        throw new Error(
          `No piece of ${organ} picked: click "Pick a piece of ${organ} in the viewport", then the piece, and Explain again.`,
        );
      }
      const voxel = worldToVoxel(series.volume, pick.world);
      if (!voxel)
        throw new Error(
          'The picked point lies outside the active series. Pick the piece again on this series.',
        );
      return { ...explainRequestOf(settings, voxel[2]), targetRegion: { voxel } };
    }
    const request = explainRequestOf(settings, series.currentSlice);
    if (settings.target === 'organ') return request;
    const segment = settings.targetSegment;
    if (!segment) {
      throw new Error(
        'No segment chosen: choose one under "Segment", or draw a region with the brush first.',
      );
    }
    const [nx, ny] = series.volume.dimensions;
    const mask = readSegmentMask(
      this.services.segmentationService,
      this.libraries(),
      segment,
      series.imageIds,
      nx * ny,
    );
    return { ...request, targetRegion: { mask, label: segment.label } };
  }

  /** The question before a run estimated to take over two minutes, or undefined. */
  private longRunQuestion(settings: PanelSettings): string | undefined {
    const cost = runCostOf(settings, this.store.state, this.speeds);
    if (!cost || 'error' in cost || cost.ms === undefined || cost.ms <= CONFIRM_RUNS_LONGER_THAN_MS)
      return undefined;
    return `This run takes ${describeRunCost(cost)} (measured on ${cost.backend}). Explain anyway?`;
  }

  /**
   * Estimates the next run's cost again once the settings, the survey, the slice shown or the
   * backend have been still for a moment (off the store update that changed them).
   */
  private followCost(state: PanelState): void {
    const known = this.costedFor;
    if (
      known?.settings === state.settings &&
      known.survey === state.survey &&
      known.currentSlice === state.currentSlice &&
      known.backend === state.backend
    )
      return;
    this.costedFor = state;
    clearTimeout(this.costTimer);
    this.costTimer = setTimeout(
      () => this.store.set({ cost: runCostOf(this.store.state.settings, this.store.state, this.speeds) }),
      COST_DELAY_MS,
    );
  }

  /**
   * The current run's result (the visible run shown last): the context overlays, the legend, the
   * card and saved SEGs are drawn from it.
   */
  private get last(): ExplainedResult | undefined {
    return this.overlays.runs.current()?.payload.result;
  }

  /** Adds or removes the current run's context overlays to match the settings. */
  private async showContext(): Promise<void> {
    const { showRoi, showOrganMask } = this.store.state.settings;
    await this.overlays.showContext({ roi: showRoi, organMask: showOrganMask });
    this.publishRuns();
  }

  /** Changes the run list, then shows the current run's context; a refused change says why. */
  private async changeRuns(change: () => void): Promise<void> {
    try {
      change();
    } catch (error) {
      const message = (error as Error).message;
      this.store.set({ message, messageTone: 'error' });
      this.tell('error', message);
      return;
    }
    await this.showContext();
  }

  /** The run list, and the current run's report and overlays (the card and the legend), into the store. */
  private publishRuns(): void {
    const { runs } = this.overlays;
    this.store.set({
      runs: runs.summaries(),
      currentRunId: runs.current()?.summary.id,
      comparedRuns: runs.comparedPair(),
      report: this.last?.report,
      faithfulness: this.last?.faithfulness,
      sanity: this.last?.sanity,
      overlay: this.overlays.saliency,
      roiOverlay: this.overlays.roiOutline,
      organOverlay: this.overlays.organMask,
    });
  }

  /**
   * Follows the viewer's segmentations: a run whose saliency the user removes in OHIF's panel
   * leaves the list, and a series shown again (OHIF re-adds its representations, all visible)
   * shows its runs as the list says.
   */
  private followSegmentations(): void {
    const segmentations = this.services.segmentationService;
    const { SEGMENTATION_REMOVED, SEGMENTATION_REPRESENTATION_MODIFIED } = segmentations.EVENTS;
    if (SEGMENTATION_REMOVED) {
      const onRemoved = (payload: unknown) => {
        const { segmentationId } = payload as { segmentationId: string };
        if (this.overlays.forgetRemoved(segmentationId)) this.publishRuns();
      };
      this.unsubscribers.push(segmentations.subscribe(SEGMENTATION_REMOVED, onRemoved).unsubscribe);
    }
    if (SEGMENTATION_REPRESENTATION_MODIFIED) {
      const onRepresentation = () => setTimeout(() => this.overlays.showRunsAsListed());
      this.unsubscribers.push(
        segmentations.subscribe(SEGMENTATION_REPRESENTATION_MODIFIED, onRepresentation).unsubscribe,
      );
    }
    // The segments a 'segment' target can explain follow what the viewer holds.
    for (const event of ['SEGMENTATION_ADDED', 'SEGMENTATION_MODIFIED', 'SEGMENTATION_REMOVED']) {
      const name = segmentations.EVENTS[event];
      if (name)
        this.unsubscribers.push(
          segmentations.subscribe(name, () => this.publishSegmentChoices()).unsubscribe,
        );
    }
  }

  /** The viewer's segments into the store; a chosen segment that is gone is unchosen. */
  private publishSegmentChoices(): void {
    const choices = segmentChoices(this.services.segmentationService);
    const chosen = this.store.state.settings.targetSegment;
    const kept =
      chosen &&
      choices.find(
        (c) => c.segmentationId === chosen.segmentationId && c.segmentIndex === chosen.segmentIndex,
      );
    if (chosen && !kept) this.store.setSettings({ targetSegment: undefined });
    this.store.set({ segmentChoices: choices });
  }

  /** Saves a SEG as `segRequestOf` plans it, then removes what the plan added to the viewer, saved or not. */
  private async exportPlannedSeg(
    host: Parameters<typeof exportSeg>[0],
    settings: PanelSettings,
  ): Promise<SegExport> {
    const plan = await segRequestOf(this.last, this.segSources(), settings);
    try {
      return await exportSeg(host, plan.request);
    } finally {
      plan.discard?.();
    }
  }

  private segSources(): SegSources {
    return {
      saliency: this.overlays.saliency,
      organMask: async () => {
        if (!this.overlays.organMask) {
          this.store.setSettings({ showOrganMask: true });
          await this.showContext();
        }
        return this.overlays.organMask;
      },
      isShown: (segmentationId): segmentationId is string => this.overlays.isShown(segmentationId),
      temporaryLabelmap: async (result, mask, segment) => {
        const segmentationId = await writeLabelmap(this.services, this.libraries(), result.series, mask, {
          label: segment.label,
          segments: [segment],
          opacity: 0,
        });
        return {
          segmentationId,
          discard: () => this.services.segmentationService.remove(segmentationId),
        };
      },
    };
  }

  /** Says why an action did nothing, in the panel's message (or a notification). */
  private refuse(message: string): void {
    this.store.set({ message, messageTone: 'error', messageDetails: undefined });
    this.tell('error', message);
  }

  private fail(message: string): void {
    this.store.set({ status: 'error', stage: undefined, message });
    this.tell('error', message);
  }

  /**
   * The panel registers while it is on screen; until none is, what the panel would show goes to a
   * notification instead (e.g. after Explain from the toolbar with the panel closed), never both.
   */
  attachPanel(): () => void {
    this.panelsShown++;
    return () => {
      this.panelsShown--;
    };
  }

  /** Says `message` once: in the panel when it is shown (the caller put it in the store), else as a notification. */
  private tell(type: 'error' | 'warning' | 'success', message: string): void {
    if (this.panelsShown === 0) notify(this.services, type, message);
  }
}
