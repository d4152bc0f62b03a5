import { Progress } from '../engine/evaluate/ProgressTracker';
import { PartialSaliency } from '../engine/explain/PartialSaliencySchedule';
import { OrganSurvey } from '../runtime/surveyOrgan';
import { ExplanationReport } from '../runtime/reportOf';
import { AnalysisResult, ModelRequest, SliceInspection, WorkerRequest, WorkerResponse } from './messages';

type ExplainMessage = Extract<WorkerRequest, { type: 'explain' }>;
type SurveyMessage = Extract<WorkerRequest, { type: 'survey' }>;
type InspectMessage = Extract<WorkerRequest, { type: 'inspect' }>;
type AnalyseMessage = Extract<WorkerRequest, { type: 'analyse' }>;

/** What a finished run hands back. */
export interface ExplainOutput {
  saliency: Float32Array;
  organMask: Uint8Array;
  roiMask?: Uint8Array;
  report: ExplanationReport;
  /** The worker's tuned batch sizes, for the next worker. */
  batchSizes: [string, number][];
}

export interface WorkerCallbacks {
  onStage?(stage: string): void;
  onModel?(info: { backend: string; fallbackReason?: string; classes: string[]; threads: number }): void;
  onProgress?(progress: Progress): void;
  onPartial?(partial: PartialSaliency): void;
}

/** Omit over each member of a union (the built-in Omit merges them). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Thrown when a run was cancelled; callers keep the viewer as it was. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

/**
 * Thrown when ONNX Runtime's threaded WASM failed to start in the worker, which then cannot run
 * models; `volume`: an explanation's voxels, handed back for a retry on a new worker.
 */
export class ThreadedStartError extends Error {
  constructor(
    message: string,
    readonly volume?: ArrayBufferView,
  ) {
    super(message);
    this.name = 'ThreadedStartError';
  }
}

/** The main thread's side of the explanation worker: one promise per run, cancellable. */
export class ExplainWorkerClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    {
      resolve(value: unknown): void;
      reject(error: Error): void;
      callbacks: WorkerCallbacks;
    }
  >();

  constructor(private readonly worker: Worker) {
    this.worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.receive(event.data);
    this.worker.onerror = (event) => {
      for (const [id, run] of this.pending) {
        run.reject(new Error(`The explanation worker failed: ${event.message}`));
        this.pending.delete(id);
      }
    };
  }

  /** Runs an explanation; the volume's buffer is transferred (the caller's copy is detached). */
  run(
    message: Omit<ExplainMessage, 'type' | 'id'>,
    callbacks: WorkerCallbacks,
  ): { id: number; done: Promise<ExplainOutput> } {
    return this.send<ExplainOutput>({ type: 'explain', ...message }, callbacks, [
      message.volume.data.buffer as ArrayBuffer,
    ]);
  }

  /** Where the organ is, slice by slice; the volume is copied, so the caller keeps it. */
  survey(
    message: Omit<SurveyMessage, 'type' | 'id'>,
    callbacks: WorkerCallbacks = {},
  ): { id: number; done: Promise<OrganSurvey> } {
    return this.send<OrganSurvey>({ type: 'survey', ...message }, callbacks);
  }

  /**
   * Analyses a finished run (`AnalysisRequest`); the volume's buffer is transferred, the run's
   * maps are copied (the caller keeps them).
   */
  analyse(
    message: DistributiveOmit<AnalyseMessage, 'type' | 'id'>,
    callbacks: WorkerCallbacks,
  ): { id: number; done: Promise<AnalysisResult> } {
    return this.send<AnalysisResult>({ type: 'analyse', ...message }, callbacks, [
      message.volume.data.buffer as ArrayBuffer,
    ]);
  }

  /** Slice k's network input and labels; the volume is copied. */
  inspect(message: Omit<InspectMessage, 'type' | 'id'>): Promise<SliceInspection> {
    return this.send<SliceInspection>({ type: 'inspect', ...message }, {}).done;
  }

  private send<T>(
    message: DistributiveOmit<ModelRequest, 'id'>,
    callbacks: WorkerCallbacks,
    transfer: Transferable[] = [],
  ): { id: number; done: Promise<T> } {
    const id = this.nextId++;
    const done = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, callbacks });
    });
    this.worker.postMessage({ ...message, id } as WorkerRequest, transfer);
    return { id, done };
  }

  /** Tells the worker the user is working in the viewer: its model calls wait until that stops. */
  noteViewerActivity(): void {
    this.worker.postMessage({ type: 'viewerActivity' } satisfies WorkerRequest);
  }

  /** Whether a call still waits for the worker's answer. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  cancel(id: number): void {
    this.worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
  }

  terminate(): void {
    this.worker.terminate();
  }

  private receive(message: WorkerResponse): void {
    const run = this.pending.get(message.id);
    if (!run) return;
    switch (message.type) {
      case 'stage':
        run.callbacks.onStage?.(message.stage);
        break;
      case 'model':
        run.callbacks.onModel?.(message);
        break;
      case 'progress':
        run.callbacks.onProgress?.(message);
        break;
      case 'partial':
        run.callbacks.onPartial?.({
          offset: message.offset,
          saliency: message.saliency,
          final: message.final,
        });
        break;
      case 'survey':
        this.pending.delete(message.id);
        run.resolve(message.survey);
        break;
      case 'analysis':
        this.pending.delete(message.id);
        run.resolve(analysisResultOf(message));
        break;
      case 'inspection':
        this.pending.delete(message.id);
        run.resolve({ networkInput: message.networkInput, labels: message.labels });
        break;
      case 'result':
        this.pending.delete(message.id);
        run.resolve({
          saliency: message.saliency,
          organMask: message.organMask,
          roiMask: message.roiMask,
          report: message.report,
          batchSizes: message.batchSizes,
        });
        break;
      case 'error':
        this.pending.delete(message.id);
        if (message.threadedInitFailed)
          run.reject(new ThreadedStartError(message.message, message.threadedInitFailed.volume));
        else run.reject(message.cancelled ? new CancelledError() : new Error(message.message));
        break;
    }
  }
}

/** The analysis an `analysis` message carries, by its name. */
function analysisResultOf(message: Extract<WorkerResponse, { type: 'analysis' }>): AnalysisResult {
  return message.analysis === 'sanity'
    ? { analysis: 'sanity', figures: message.figures }
    : { analysis: 'faithfulness', figures: message.figures };
}
