import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import type { InferenceSession } from 'onnxruntime-common';
import { LoadedModel, loadModel, OrtModule } from '@xai-clip/runtime';

/** What the segmenter's own ONNX Runtime session did, counted inside `session.run`. */
export interface SessionStats {
  runs: number;
  /** Images run (Σ batch dimension). */
  items: number;
  runMs: number;
  /** Per-item input shape of the last run, e.g. [2, 256, 256]. */
  itemShape: number[];
  /** A copy of one real network input (the first item of the first run), for the bare timing. */
  sample?: Float32Array;
}

/** Which model made a result: its manifest's name and version, and a hash of what was loaded. */
export interface ModelIdentity {
  name: string;
  version: string;
  /** sha256 of the manifest's text and of every file the runtime read to load it (segmenter, CLIP, …). */
  sha256: string;
}

export interface InstrumentedModel {
  loaded: LoadedModel;
  manifestPath: string;
  identity: ModelIdentity;
  stats: SessionStats;
  /**
   * Time per pass (ms) of a bare onnxruntime-node session on the same ONNX file, options and
   * input at a batch size: the floor any engine on this runtime could reach. One run is `calls`
   * batched calls back to back (after a warm-up call), as long as the explanation it is compared
   * with, so both meet the same machine noise (the best single call would be a lucky outlier);
   * the best of `runs` runs counts.
   */
  bareMsPerPass(batchSize: number, calls: number, runs: number): Promise<number>;
}

/**
 * Loads a manifest for the benchmark on onnxruntime-node (CPU, as the CLI does), with the
 * segmenter session wrapped so that time spent inside ONNX Runtime is measured separately
 * from the engine's own work.
 */
export async function loadInstrumentedModel(manifestPath: string): Promise<InstrumentedModel> {
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch {
    throw new Error(`Model manifest not found: ${manifestPath}.`);
  }
  const json = JSON.parse(text) as { segmenter?: { file?: string } };
  const folder = path.dirname(path.resolve(manifestPath));
  const ort = (await import('onnxruntime-node')) as unknown as OrtModule;
  const stats: SessionStats = { runs: 0, items: 0, runMs: 0, itemShape: [] };
  // The segmenter's session is the one created from the bytes read for manifest.segmenter.file
  // (not the CLIP encoders, nor the runtime's own small activation session).
  let segmenterFile: Uint8Array | undefined;
  let segmenterBytes: Uint8Array | undefined;
  // Each file's hash as it was read: a retrained model with the same name and version is another model.
  const fileHashes = new Map<string, string>();
  const instrumented: OrtModule = {
    Tensor: ort.Tensor,
    InferenceSession: {
      create: async (model, options) => {
        const session = await ort.InferenceSession.create(model, options);
        if (model !== segmenterFile || segmenterBytes) return session;
        segmenterBytes = model;
        return timed(session, stats);
      },
    },
  };
  const loaded = await loadModel(json, manifestPath, {
    ort: instrumented,
    readFile: async (file) => {
      const bytes = new Uint8Array(await fs.readFile(path.resolve(folder, file)));
      if (file === json.segmenter?.file) segmenterFile = bytes;
      fileHashes.set(file, createHash('sha256').update(bytes).digest('hex'));
      return bytes;
    },
    executionProviders: ['cpu'],
  });
  const modelHash = createHash('sha256').update(text);
  for (const file of [...fileHashes.keys()].sort()) modelHash.update(`\n${file} ${fileHashes.get(file)}`);
  let bare: InferenceSession | undefined;
  return {
    loaded,
    manifestPath,
    identity: {
      name: loaded.manifest.name,
      version: loaded.manifest.version,
      sha256: modelHash.digest('hex'),
    },
    stats,
    async bareMsPerPass(batchSize, calls, runs) {
      if (!stats.sample || !segmenterBytes) {
        throw new Error('Run the model once before timing the bare session (no network input seen yet).');
      }
      bare ??= await ort.InferenceSession.create(segmenterBytes, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
      });
      const item = stats.sample;
      const input = new Float32Array(batchSize * item.length);
      for (let n = 0; n < batchSize; n++) input.set(item, n * item.length);
      const feeds = {
        [loaded.manifest.segmenter.inputName]: new ort.Tensor('float32', input, [
          batchSize,
          ...stats.itemShape,
        ]),
      };
      const call = async () => {
        const out = await bare!.run(feeds);
        Object.values(out).forEach((tensor) => tensor.dispose?.());
      };
      let best = Infinity;
      for (let run = 0; run < runs; run++) {
        await call(); // warm-up
        const started = performance.now();
        for (let n = 0; n < calls; n++) await call();
        best = Math.min(best, (performance.now() - started) / (calls * batchSize));
      }
      return best;
    },
  };
}

/** The session with `run` timed and its inputs recorded. */
function timed(session: InferenceSession, stats: SessionStats): InferenceSession {
  return new Proxy(session, {
    get(target, property) {
      if (property === 'run') {
        return async (feeds: InferenceSession.FeedsType, ...rest: unknown[]) => {
          const input = Object.values(feeds)[0];
          const dims = input.dims.map(Number);
          const started = performance.now();
          const result = await (target.run as (...args: unknown[]) => Promise<InferenceSession.ReturnType>)(
            feeds,
            ...rest,
          );
          stats.runMs += performance.now() - started;
          stats.runs += 1;
          stats.items += dims[0];
          stats.itemShape = dims.slice(1);
          if (!stats.sample) {
            const size = stats.itemShape.reduce((a, b) => a * b, 1);
            stats.sample = Float32Array.from((input.data as Float32Array).subarray(0, size));
          }
          return result;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
