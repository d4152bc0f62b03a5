import type { InferenceSession } from 'onnxruntime-common';

/** Declared shape of a session input/output (numbers for fixed dims, strings or -1 for dynamic), or null. */
export function tensorShape(
  metadata: readonly InferenceSession.ValueMetadata[],
  name: string,
): (number | string)[] | null {
  const entry = metadata.find((m) => m.name === name);
  return entry && entry.isTensor ? [...entry.shape] : null;
}
