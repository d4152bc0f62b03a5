import { promises as fs } from 'fs';
import * as path from 'path';
import { loadModel, LoadedModel, OrtModule } from '@xai-clip/runtime';
import { sessionThreads } from './sessionThreads';

export type NodeBackend = 'node' | 'web';

/**
 * Loads a manifest from disk for Node: onnxruntime-node on the CPU (CLI, benchmarks) or
 * onnxruntime-web on WASM (to check the browser runtime's numbers without a browser).
 */
export async function loadModelFile(
  manifestPath: string,
  backend: NodeBackend = 'node',
): Promise<LoadedModel> {
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch {
    throw new Error(`Model manifest not found: ${manifestPath}. Pass --model <path to manifest.json>.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Model manifest ${manifestPath} is not valid JSON: ${(error as Error).message}`);
  }
  const folder = path.dirname(path.resolve(manifestPath));
  const ort = (backend === 'node'
    ? await import('onnxruntime-node')
    : await import('onnxruntime-web')) as unknown as OrtModule;
  return loadModel(json, manifestPath, {
    ort,
    readFile: async (file) => new Uint8Array(await fs.readFile(path.resolve(folder, file))),
    executionProviders: backend === 'node' ? ['cpu'] : ['wasm'],
    threads: backend === 'node' ? sessionThreads() : undefined,
  });
}

/** Runs `use` with the model of `manifestPath`, and releases its sessions afterwards, whatever happens. */
export async function withModelFile<R>(
  manifestPath: string,
  backend: NodeBackend | undefined,
  use: (loaded: LoadedModel) => Promise<R>,
): Promise<R> {
  const loaded = await loadModelFile(manifestPath, backend);
  try {
    return await use(loaded);
  } finally {
    await loaded.dispose();
  }
}
