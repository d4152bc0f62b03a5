import * as ort from 'onnxruntime-web/webgpu';
import { ExplanationCancelledError } from '../engine/evaluate/ProgressTracker';
import { outsideRoiDrop } from '../engine/explain/outsideRoiDrop';
import { roiShapeOf } from '../engine/roi/Roi';
import { Volume } from '../engine/volume/Volume';
import { loadModel, LoadedModel } from '../runtime/loadModel';
import { OrtModule } from '../runtime/ort/OrtModule';
import { runExplanation } from '../runtime/runExplanation';
import { WorkerRequest, WorkerResponse } from './messages';
import { roiShare } from './roiShare';
import { yieldingModel } from './yieldingModel';

/**
 * The explanation engine off the main thread: loads a manifest's models with
 * onnxruntime-web (WebGPU, then WASM) once per URL, runs one explanation at a time, and
 * posts stages, progress and the saliency (transferred, not copied).
 */
// Typed by hand: the project's DOM typings and the WebWorker lib cannot share one program.
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  location: Location;
};
const models = new Map<string, Promise<LoadedModel>>();
const running = new Map<number, AbortController>();

const post = (message: WorkerResponse, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

function modelFor(manifestUrl: string, executionProviders: string[]): Promise<LoadedModel> {
  const key = `${manifestUrl}|${executionProviders.join(',')}`;
  if (!models.has(key)) {
    // Chromium's own processes compete for the cores; one WASM thread is as fast and needs no isolation.
    ort.env.wasm.numThreads = 1;
    const loading = (async () => {
      const response = await fetch(manifestUrl);
      if (!response.ok)
        throw new Error(
          `The model manifest ${manifestUrl} could not be loaded (HTTP ${response.status}). Check window.config.xaiClip.models.`,
        );
      const json = await response.json().catch(() => {
        throw new Error(`The model manifest ${manifestUrl} is not valid JSON.`);
      });
      return loadModel(json, manifestUrl, {
        ort: ort as unknown as OrtModule,
        executionProviders,
        readFile: async (file) => {
          const url = new URL(file, new URL(manifestUrl, scope.location.origin));
          const fileResponse = await fetch(url);
          if (!fileResponse.ok) throw new Error(`HTTP ${fileResponse.status} for ${url.pathname}`);
          return new Uint8Array(await fileResponse.arrayBuffer());
        },
      });
    })();
    loading.catch(() => models.delete(key));
    models.set(key, loading);
  }
  return models.get(key)!;
}

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  const { id } = message;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    post({ type: 'stage', id, stage: 'Loading the model' });
    const loaded = await modelFor(message.manifestUrl, message.executionProviders);
    post({
      type: 'model',
      id,
      backend: loaded.backend,
      fallbackReason: loaded.fallbackReason,
      classes: [...loaded.segmenter.classNames],
    });
    const volume = { ...message.volume } as Volume;
    const { result, roi, className, outsideRanked } = await runExplanation(
      yieldingModel(loaded, controller.signal),
      volume,
      message.request,
      {
        signal: controller.signal,
        onProgress: (p) => post({ type: 'progress', id, ...p }),
        onStage: (stage) => post({ type: 'stage', id, stage }),
      },
    );
    // The share is of what was explained (the slices, or the whole volume for a 3-D model), not of the series.
    const share = roiShare(result.images, volume.dimensions);
    post(
      {
        type: 'result',
        id,
        saliency: result.saliency.data,
        organMask: result.organMask.data,
        roiMask: roi?.mask,
        report: {
          organ: className,
          method: message.request.method,
          backend: loaded.backend,
          fallbackReason: loaded.fallbackReason,
          passes: result.passes,
          calls: result.calls,
          wallMs: result.wallMs,
          slices: result.images.map((image) => image.slice),
          roi: {
            source: roi?.source ?? 'none',
            shape: roi && roiShapeOf(roi),
            box: roi?.box,
            fallbackReason: roi?.fallbackReason,
            voxels: share.voxels,
            fraction: share.fraction,
          },
          notes: result.notes,
          roiBoxes: result.images.map((image) => ({ slice: image.slice, box: image.roi })),
          outsideRoiDrop: outsideRoiDrop(result.images),
          outsideRanked,
        },
      },
      [result.saliency.data.buffer, result.organMask.data.buffer, ...(roi?.mask ? [roi.mask.buffer] : [])],
    );
  } catch (error) {
    post({
      type: 'error',
      id,
      message: (error as Error).message,
      cancelled: error instanceof ExplanationCancelledError,
    });
  } finally {
    running.delete(id);
  }
};
