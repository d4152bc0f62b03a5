import type { InferenceSession } from 'onnxruntime-common';
import { OrtModule } from './OrtModule';

export interface LoadedSession {
  session: InferenceSession;
  /** The execution provider that actually runs the model. */
  backend: string;
  /** Why earlier providers in the list were not used, if any failed. */
  fallbackReason?: string;
}

/**
 * Creates a session on the first execution provider that works, trying them one by one so
 * the backend that ran is known exactly (ORT's own list fallback only logs a warning).
 */
export async function createSession(
  ort: OrtModule,
  model: Uint8Array,
  executionProviders: string[],
  label: string,
  /** intraOpNumThreads; none: ONNX Runtime's default. */
  threads?: number,
): Promise<LoadedSession> {
  const failures: string[] = [];
  for (const backend of executionProviders) {
    try {
      const session = await ort.InferenceSession.create(model, {
        executionProviders: [backend],
        graphOptimizationLevel: 'all',
        ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
      });
      return { session, backend, fallbackReason: failures.length ? failures.join('; ') : undefined };
    } catch (error) {
      failures.push(`${backend}: ${(error as Error).message}`);
    }
  }
  throw new Error(
    `Could not load ${label} (${model.byteLength} bytes): ${failures.join('; ')}. ` +
      'Check that the file is a complete ONNX model (re-download or re-export it).',
  );
}
