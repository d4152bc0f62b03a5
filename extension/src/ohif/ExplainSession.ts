import { PartialSaliency } from '../engine/explain/PartialSaliencySchedule';
import { Volume } from '../engine/volume/Volume';
import { ExplainRequest } from '../runtime/runExplanation';
import { OrganSurvey } from '../runtime/surveyOrgan';
import { ExplainOutput, ExplainWorkerClient, ThreadedStartError } from '../worker/ExplainWorkerClient';
import { AnalysedRun, AnalysisRequest, AnalysisResult, SliceInspection } from '../worker/messages';
import { EventChannel } from './EventChannel';
import { EXPLAIN_EVENTS, ExplainEventPayloads } from './explainEvents';
import { XaiClipConfig } from './ohifTypes';

const DEFAULT_EXECUTION_PROVIDERS = ['webgpu', 'wasm'];

/**
 * The explanation worker as the viewer uses it: runs one explanation at a time (cancellable),
 * surveys a series for an organ (a newer survey cancels the one before) and inspects a slice,
 * each on the model configured for the series' modality. Stages, models and progress are
 * announced as typed events (EXPLAIN_EVENTS).
 *
 * Buffer ownership: `explain` transfers the volume's voxel buffer to the worker, so the caller's
 * `volume.data` is detached once it is called and must not be kept; `survey` and `inspect` post
 * a copy. The arrays an explanation resolves to are transferred back and belong to the caller.
 *
 * The configuration is read at each call: it is the app's `window.config.xaiClip`, and a change
 * there applies to the next run.
 */
export class ExplainSession extends EventChannel<ExplainEventPayloads> {
  private worker?: ExplainWorkerClient;
  /** The explanation or analysis running, which `cancel` stops. */
  private running?: number;
  private surveying?: number;
  /** Auto batch sizes tuned by earlier workers, handed to each new one. */
  private batchSizes: [string, number][] = [];
  /** Threaded WASM failed to start once in this tab: later workers run on one thread. */
  private singleThreaded = false;

  constructor(
    private readonly config: () => XaiClipConfig,
    private readonly createWorker: () => Worker,
  ) {
    super(Object.values(EXPLAIN_EVENTS));
  }

  hasModelFor(modality: string): boolean {
    return this.config().models.some((model) => model.modalities.includes(modality));
  }

  /**
   * Explains the volume; rejects with CancelledError when cancelled, or with the worker's error.
   * `onPartial` gets each explained image's running map (then its finished one) while the run goes on.
   */
  async explain(
    volume: Volume,
    modality: string,
    request: ExplainRequest,
    onPartial?: (partial: PartialSaliency) => void,
  ): Promise<ExplainOutput> {
    return this.onWorkingThreads((handedBack) =>
      this.explainOnce(
        handedBack ? { ...volume, data: handedBack as Volume['data'] } : volume,
        modality,
        request,
        onPartial,
      ),
    );
  }

  private async explainOnce(
    volume: Volume,
    modality: string,
    request: ExplainRequest,
    onPartial?: (partial: PartialSaliency) => void,
  ): Promise<ExplainOutput> {
    const model = this.modelChoice(modality, this.config().executionProviders);
    const run = this.client().run(
      {
        ...model,
        request,
        volume,
        batchSizes: this.batchSizes,
        runningMaps: onPartial !== undefined && this.config().runningMaps !== false,
      },
      {
        onStage: (stage) => this.emit(EXPLAIN_EVENTS.EXPLAIN_STAGE, { stage }),
        onModel: (info) => this.emit(EXPLAIN_EVENTS.EXPLAIN_MODEL, info),
        onProgress: (progress) => this.emit(EXPLAIN_EVENTS.EXPLAIN_PROGRESS, progress),
        onPartial,
      },
    );
    this.running = run.id;
    try {
      const output = await run.done;
      this.batchSizes = output.batchSizes;
      return output;
    } finally {
      if (this.running === run.id) this.running = undefined;
      this.releaseIdleWorker();
    }
  }

  /**
   * Analyses a finished run on the volume it explained (transferred, as `explain`'s), announcing
   * stages and progress as an explanation does; cancellable with `cancel`.
   */
  async analyse(
    volume: Volume,
    modality: string,
    run: AnalysedRun,
    analysis: AnalysisRequest,
  ): Promise<AnalysisResult> {
    const model = this.modelChoice(modality, this.config().executionProviders);
    const call = this.client().analyse(
      { ...model, ...analysis, volume, run },
      {
        onStage: (stage) => this.emit(EXPLAIN_EVENTS.EXPLAIN_STAGE, { stage }),
        onProgress: (progress) => this.emit(EXPLAIN_EVENTS.EXPLAIN_PROGRESS, progress),
      },
    );
    this.running = call.id;
    try {
      return await call.done;
    } finally {
      if (this.running === call.id) this.running = undefined;
      this.releaseIdleWorker();
    }
  }

  /** The user is working in the viewer: a running worker holds its next model call until that stops. */
  noteViewerActivity(): void {
    this.worker?.noteViewerActivity();
  }

  /** Stops the running explanation or analysis (its promise rejects with CancelledError); false when none runs. */
  cancel(): boolean {
    if (this.running === undefined || !this.worker) return false;
    this.worker.cancel(this.running);
    return true;
  }

  /** Where `organ` is, slice by slice. A survey still running is cancelled: it would only slow this one. */
  survey(volume: Volume, modality: string, organ: string): Promise<OrganSurvey> {
    return this.onWorkingThreads(() => this.surveyOnce(volume, modality, organ));
  }

  private async surveyOnce(volume: Volume, modality: string, organ: string): Promise<OrganSurvey> {
    const { survey, executionProviders } = this.config();
    const model = this.modelChoice(modality, survey?.executionProviders ?? executionProviders);
    const client = this.client();
    if (this.surveying !== undefined) client.cancel(this.surveying);
    const run = client.survey(
      { ...model, organ, volume },
      { onModel: (info) => this.emit(EXPLAIN_EVENTS.SURVEY_MODEL, info) },
    );
    this.surveying = run.id;
    try {
      return await run.done;
    } finally {
      if (this.surveying === run.id) this.surveying = undefined;
    }
  }

  /** Slice k as the network receives it and as the model labels it. */
  inspect(volume: Volume, modality: string, slice: number): Promise<SliceInspection> {
    return this.onWorkingThreads(() => {
      const model = this.modelChoice(modality, this.config().executionProviders);
      return this.client().inspect({ ...model, slice, volume });
    });
  }

  /**
   * Ends the worker once nothing waits on it: a run grows its WASM heap (the batch's activations),
   * which can never shrink, so a finished or cancelled run would keep hundreds of MB in the tab.
   * The next call starts a new worker and loads the model again (about a second).
   */
  private releaseIdleWorker(): void {
    if (this.worker && !this.worker.busy) this.dispose();
  }

  /** Stops the worker; the next call starts a new one. */
  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
  }

  /**
   * Runs `call`; when the worker's threaded WASM failed to start, runs it again once on a new
   * single-threaded worker, with the voxels the failed call handed back (an explanation's).
   */
  private async onWorkingThreads<T>(call: (handedBack?: ArrayBufferView) => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ThreadedStartError) || this.singleThreaded) throw error;
      console.warn(`XAI-CLIP: threaded WASM failed to start (${error.message}); running on one thread.`);
      this.singleThreaded = true;
      this.dispose();
      return call(error.volume);
    }
  }

  private client(): ExplainWorkerClient {
    this.worker ??= new ExplainWorkerClient(this.createWorker());
    return this.worker;
  }

  /** The manifest URL of the model the modality's series run on. */
  manifestUrl(modality: string): string {
    return this.modelChoice(modality).manifestUrl;
  }

  /** The manifest of the modality's model (the first configured for it) and the providers to try. */
  private modelChoice(modality: string, executionProviders = DEFAULT_EXECUTION_PROVIDERS) {
    const { models } = this.config();
    const model = models.find((m) => m.modalities.includes(modality));
    if (!model) {
      throw new Error(
        `No XAI-CLIP model is configured for ${modality} series (models exist for ${[...new Set(models.flatMap((m) => m.modalities))].join(', ')}).`,
      );
    }
    return {
      manifestUrl: new URL(model.url, location.href).href,
      executionProviders,
      wasmThreads: this.singleThreaded ? 1 : this.config().wasmThreads,
    };
  }
}
