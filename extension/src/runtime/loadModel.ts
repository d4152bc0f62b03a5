import { ModelManifest } from './manifest/ModelManifest';
import { parseManifest } from './manifest/parseManifest';
import { createSession } from './ort/createSession';
import { OrtModule } from './ort/OrtModule';
import { OrtSegmentationModel } from './OrtSegmentationModel';
import { OrtSimilarityModel } from './OrtSimilarityModel';

export interface RuntimeOptions {
  ort: OrtModule;
  /** Reads a file named in the manifest, relative to the manifest (a path in Node, a URL in the browser). */
  readFile: (relativePath: string) => Promise<Uint8Array>;
  /** Tried in order; the first that loads is used (e.g. ['webgpu', 'wasm'] in the browser). */
  executionProviders: string[];
  /**
   * ONNX Runtime's intra-op threads per session (the native CPU provider; WASM takes
   * `ort.env.wasm.numThreads` instead). None: ONNX Runtime's default, one per physical core.
   */
  threads?: number;
}

export interface LoadedModel {
  manifest: ModelManifest;
  segmenter: OrtSegmentationModel;
  clip?: OrtSimilarityModel;
  /** Execution provider that runs the segmenter, and why earlier ones were skipped. */
  backend: string;
  fallbackReason?: string;
  /** Releases every ONNX Runtime session of the model (their native or WASM/GPU memory). */
  dispose(): Promise<void>;
  /** The segmenter's ONNX file, read again (not kept in memory: models can be large). */
  readSegmenter(): Promise<Uint8Array>;
  /**
   * A segmenter on a session of `model` (e.g. the file's bytes with randomised weights) on the
   * segmenter's backend, with its manifest entry; the caller disposes it.
   */
  openSegmenter(model: Uint8Array, label: string): Promise<OrtSegmentationModel>;
}

/** Loads and checks a manifest and its ONNX files; every problem is reported with the file it concerns. */
export async function loadModel(
  manifestJson: unknown,
  source: string,
  options: RuntimeOptions,
): Promise<LoadedModel> {
  const manifest = parseManifest(manifestJson, source);
  const { ort, readFile, executionProviders, threads } = options;
  const open = async (file: string, role: string) =>
    createSession(
      ort,
      await readRequired(readFile, file, role),
      executionProviders,
      `the ${role} ${file}`,
      threads,
    );
  const segmenterSession = await open(manifest.segmenter.file, 'segmenter');
  // The softmax runs in ONNX Runtime on the CPU (Node) or WASM (browser) beside the segmenter.
  const activationProviders = [segmenterSession.backend === 'cpu' ? 'cpu' : 'wasm'];
  const segmenter = new OrtSegmentationModel(
    ort,
    segmenterSession.session,
    manifest.segmenter,
    activationProviders,
  );
  let clip: OrtSimilarityModel | undefined;
  if (manifest.clip) {
    const entry = manifest.clip;
    const image = await open(entry.imageEncoder.file, 'CLIP image encoder');
    const text = entry.textEncoder
      ? {
          session: (await open(entry.textEncoder.file, 'CLIP text encoder')).session,
          vocabulary: readJson(
            await readRequired(readFile, entry.textEncoder.vocabulary, 'vocabulary'),
            entry.textEncoder.vocabulary,
          ) as Record<string, number>,
        }
      : undefined;
    const precomputed = entry.promptEmbeddings
      ? (readJson(
          await readRequired(readFile, entry.promptEmbeddings, 'prompt embeddings'),
          entry.promptEmbeddings,
        ) as Record<string, number[]>)
      : undefined;
    clip = await OrtSimilarityModel.create(ort, entry, image.session, text, precomputed);
  }
  return {
    manifest,
    segmenter,
    clip,
    backend: segmenterSession.backend,
    fallbackReason: segmenterSession.fallbackReason,
    dispose: async () => {
      await Promise.all([segmenter.dispose(), clip?.dispose()]);
    },
    readSegmenter: () => readRequired(readFile, manifest.segmenter.file, 'segmenter'),
    openSegmenter: async (model, label) => {
      const copy = await createSession(ort, model, [segmenterSession.backend], label, threads);
      return new OrtSegmentationModel(ort, copy.session, manifest.segmenter, activationProviders);
    },
  };
}

async function readRequired(
  readFile: RuntimeOptions['readFile'],
  file: string,
  role: string,
): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(
      `Cannot read the ${role} file "${file}" named in the manifest: ${(error as Error).message}`,
    );
  }
}

function readJson(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
