import type { InferenceSession, Tensor } from 'onnxruntime-common';

/**
 * The part of an onnxruntime package the runtime uses. onnxruntime-node (CLI, tests) and
 * onnxruntime-web (browser worker; WASM in Node) both satisfy it, so they share all code.
 */
export interface OrtModule {
  InferenceSession: {
    create(model: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: typeof Tensor;
}
