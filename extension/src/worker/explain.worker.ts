import * as ort from 'onnxruntime-web/webgpu';
import { ExplanationCancelledError, Progress } from '../engine/evaluate/ProgressTracker';
import { Volume } from '../engine/volume/Volume';
import { loadModel, LoadedModel } from '../runtime/loadModel';
import { ModelCache } from '../runtime/ModelCache';
import { OrtModule } from '../runtime/ort/OrtModule';
import { reportOf } from '../runtime/reportOf';
import { runExplanation } from '../runtime/runExplanation';
import { surveyOrgan } from '../runtime/surveyOrgan';
import { runFaithfulness } from '../runtime/faithfulness/runFaithfulness';
import { runSanityChecks } from '../runtime/runSanityChecks';
import { segmentVolume } from '../engine/explain/segmentVolume';
import { asFloat32, sliceOf } from '../engine/volume/volumeUtils';
import { ModelRequest, WorkerRequest, WorkerResponse } from './messages';
import { tabMemoryBudget } from './tabMemoryBudget';
import { wasmThreadCount } from './wasmThreadCount';
import { ViewerActivity } from './ViewerActivity';
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
  navigator: { deviceMemory?: number; hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
};
// A CT and an MR series open side by side keep both models loaded; a third evicts the oldest.
const models = new ModelCache<LoadedModel>(2);
const running = new Map<number, AbortController>();
// Auto batch sizes by model and backend: tuned on a model's first explanation, reused after.
const batchSizes = new Map<string, number>();
const viewerActivity = new ViewerActivity();
// ONNX Runtime reads its WASM thread count once, when its first session starts the WASM module;
// a start that failed cannot be retried in this worker.
let wasmStart: 'not tried' | 'tried' | 'started' = 'not tried';

const post = (message: WorkerResponse, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

async function loadFromUrl(
  manifestUrl: string,
  executionProviders: string[],
  wasmThreads: number | undefined,
): Promise<LoadedModel> {
  if (wasmStart === 'not tried') {
    ort.env.wasm.numThreads = wasmThreadCount({
      crossOriginIsolated: Boolean(scope.crossOriginIsolated),
      hardwareConcurrency: scope.navigator.hardwareConcurrency,
      requested: wasmThreads,
    });
    // Nested pthread workers that never start would otherwise hang the first load for good.
    ort.env.wasm.initTimeout = 60000;
  }
  const response = await fetch(manifestUrl);
  if (!response.ok)
    throw new Error(
      `The model manifest ${manifestUrl} could not be loaded (HTTP ${response.status}). Check window.config.xaiClip.models.`,
    );
  const json = await response.json().catch(() => {
    throw new Error(`The model manifest ${manifestUrl} is not valid JSON.`);
  });
  if (wasmStart === 'not tried') wasmStart = 'tried';
  const loaded = await loadModel(json, manifestUrl, {
    ort: ort as unknown as OrtModule,
    executionProviders,
    readFile: async (file) => {
      const url = new URL(file, new URL(manifestUrl, scope.location.origin));
      const fileResponse = await fetch(url);
      if (!fileResponse.ok) throw new Error(`HTTP ${fileResponse.status} for ${url.pathname}`);
      return new Uint8Array(await fileResponse.arrayBuffer());
    },
  });
  wasmStart = 'started';
  return loaded;
}

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const message = event.data;
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  if (message.type === 'viewerActivity') {
    viewerActivity.noteInteraction();
    return;
  }
  const { id } = message;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    post({ type: 'stage', id, stage: 'Loading the model' });
    const { manifestUrl, executionProviders, wasmThreads } = message;
    await models.with(
      `${manifestUrl}|${executionProviders.join(',')}`,
      () => loadFromUrl(manifestUrl, executionProviders, wasmThreads),
      async (loaded) => {
        post({
          type: 'model',
          id,
          backend: loaded.backend,
          fallbackReason: loaded.fallbackReason,
          classes: [...loaded.segmenter.classNames],
          // ONNX Runtime sets it to 1 when the page cannot run WASM threads.
          threads: ort.env.wasm.numThreads ?? 1,
        });
        const model = yieldingModel(loaded, controller.signal, () => viewerActivity.quiet());
        const volume = { ...message.volume } as Volume;
        if (message.type === 'explain') await explain(message, model, volume, controller.signal);
        else if (message.type === 'survey') await survey(message, model, volume, controller.signal);
        else if (message.type === 'analyse') await analyse(message, model, volume, controller.signal);
        else await inspect(message, loaded, volume);
      },
    );
  } catch (error) {
    // The first model load failed with threads asked for: ONNX Runtime's threaded start, most likely.
    const threadedInitFailed = wasmStart === 'tried' && (ort.env.wasm.numThreads ?? 1) > 1;
    const volume = threadedInitFailed && message.type === 'explain' ? message.volume.data : undefined;
    post(
      {
        type: 'error',
        id,
        message: (error as Error).message,
        cancelled: error instanceof ExplanationCancelledError,
        threadedInitFailed: threadedInitFailed ? { volume } : undefined,
      },
      volume ? [volume.buffer as ArrayBuffer] : [],
    );
  } finally {
    running.delete(id);
  }
};

async function explain(
  message: Extract<ModelRequest, { type: 'explain' }>,
  loaded: LoadedModel,
  volume: Volume,
  signal: AbortSignal,
): Promise<void> {
  const { id } = message;
  for (const [key, size] of message.batchSizes) batchSizes.set(key, size);
  const explanation = await runExplanation(loaded, volume, message.request, {
    signal,
    onProgress: (p) => post({ type: 'progress', id, ...p }),
    onStage: (stage) => post({ type: 'stage', id, stage }),
    // Each map is fresh (the run keeps its own copy): transferred, not copied.
    onPartialSaliency: message.runningMaps
      ? (partial) => post({ type: 'partial', id, ...partial }, [partial.saliency.buffer])
      : undefined,
    // A capped batch says so in the report's notes, which the result card lists.
    memoryBudgetBytes: tabMemoryBudget(scope.navigator.deviceMemory),
    batchSizes,
  });
  const { result, roi } = explanation;
  post(
    {
      type: 'result',
      id,
      saliency: result.saliency.data,
      organMask: result.organMask.data,
      roiMask: roi?.mask,
      report: reportOf(explanation, loaded, volume.dimensions),
      batchSizes: [...batchSizes],
    },
    [result.saliency.data.buffer, result.organMask.data.buffer, ...(roi?.mask ? [roi.mask.buffer] : [])],
  );
}

async function analyse(
  message: Extract<ModelRequest, { type: 'analyse' }>,
  loaded: LoadedModel,
  volume: Volume,
  signal: AbortSignal,
): Promise<void> {
  const { id } = message;
  const hooks = {
    signal,
    onProgress: (p: Progress) => post({ type: 'progress', id, ...p }),
    onStage: (stage: string) => post({ type: 'stage', id, stage }),
    memoryBudgetBytes: tabMemoryBudget(scope.navigator.deviceMemory),
  };
  if (message.analysis === 'faithfulness') {
    const figures = await runFaithfulness(loaded, volume, message.run, message.options, hooks);
    post({ type: 'analysis', id, analysis: 'faithfulness', figures });
    return;
  }
  // The checks compare reruns with the run's map: it is made again here, the same by its seed.
  hooks.onStage('Sanity checks: the run explained again as the reference');
  const reference = await runExplanation(loaded, volume, message.run.request, hooks);
  const figures = await runSanityChecks(loaded, volume, reference, hooks, message.options);
  post({ type: 'analysis', id, analysis: 'sanity', figures });
}

async function survey(
  message: Extract<ModelRequest, { type: 'survey' }>,
  loaded: LoadedModel,
  volume: Volume,
  signal: AbortSignal,
): Promise<void> {
  const { id } = message;
  post({ type: 'stage', id, stage: `Finding ${message.organ} on every slice` });
  const result = await surveyOrgan(loaded, volume, message.organ, {
    signal,
    onProgress: (done, total) => post({ type: 'progress', id, done, total, etaMs: null }),
  });
  post({ type: 'survey', id, survey: result });
}

async function inspect(
  message: Extract<ModelRequest, { type: 'inspect' }>,
  loaded: LoadedModel,
  volume: Volume,
): Promise<void> {
  const image = asFloat32(loaded.segmenter.dimensionality === 2 ? sliceOf(volume, message.slice) : volume);
  const networkInput = loaded.segmenter.networkInput(image);
  const labels = (await segmentVolume(image, loaded.segmenter)).data;
  post({ type: 'inspection', id: message.id, networkInput, labels }, [networkInput.buffer, labels.buffer]);
}
