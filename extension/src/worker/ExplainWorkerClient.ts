import { Progress } from '../engine/evaluate/ProgressTracker';
import { ExplainReport, WorkerRequest, WorkerResponse } from './messages';

type ExplainMessage = Extract<WorkerRequest, { type: 'explain' }>;

/** What a finished run hands back. */
export interface ExplainOutput {
  saliency: Float32Array;
  organMask: Uint8Array;
  roiMask?: Uint8Array;
  report: ExplainReport;
}

export interface WorkerCallbacks {
  onStage(stage: string): void;
  onModel(info: { backend: string; fallbackReason?: string; classes: string[] }): void;
  onProgress(progress: Progress): void;
}

/** Thrown when a run was cancelled; callers keep the viewer as it was. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

/** The main thread's side of the explanation worker: one promise per run, cancellable. */
export class ExplainWorkerClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    {
      resolve(value: ExplainOutput): void;
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

  run(
    message: Omit<ExplainMessage, 'type' | 'id'>,
    callbacks: WorkerCallbacks,
  ): { id: number; done: Promise<ExplainOutput> } {
    const id = this.nextId++;
    const done = new Promise<ExplainOutput>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, callbacks });
    });
    const transfer = [message.volume.data.buffer as ArrayBuffer];
    this.worker.postMessage({ type: 'explain', id, ...message } satisfies WorkerRequest, transfer);
    return { id, done };
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
        run.callbacks.onStage(message.stage);
        break;
      case 'model':
        run.callbacks.onModel(message);
        break;
      case 'progress':
        run.callbacks.onProgress(message);
        break;
      case 'result':
        this.pending.delete(message.id);
        run.resolve({
          saliency: message.saliency,
          organMask: message.organMask,
          roiMask: message.roiMask,
          report: message.report,
        });
        break;
      case 'error':
        this.pending.delete(message.id);
        run.reject(message.cancelled ? new CancelledError() : new Error(message.message));
        break;
    }
  }
}
