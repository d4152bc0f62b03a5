import type { InferenceSession } from 'onnxruntime-common';

/** An input or output name that the manifest gives for a model, with the manifest field that gives it. */
export interface NamedTensor {
  kind: 'input' | 'output';
  name: string;
  /** e.g. `segmenter.inputName`, named in the message so the user knows what to fix. */
  field: string;
}

/**
 * Fails at load time when the manifest names an input or output that the ONNX file lacks:
 * onnxruntime would only fail at the first run, naming neither the file nor the manifest field
 * (a wrong output name does not even fail there: the result is just undefined).
 * `model` starts the message, e.g. `The segmenter model.onnx`.
 */
export function requireTensorNames(
  session: Pick<InferenceSession, 'inputNames' | 'outputNames'>,
  model: string,
  tensors: NamedTensor[],
): void {
  for (const { kind, name, field } of tensors) {
    const names = kind === 'input' ? session.inputNames : session.outputNames;
    if (!names.includes(name)) {
      throw new Error(
        `${model} has no ${kind} "${name}"; its ${kind}s are: ${names.join(', ')}. Fix ${field} in the manifest.`,
      );
    }
  }
}
