import type { InferenceSession } from 'onnxruntime-common';
import { OrtModule } from './OrtModule';

/**
 * Runs `count` items through a session, splitting into chunks of `fixedBatch` (padding the
 * last chunk) when the network was exported with a fixed batch size. Returns the outputs of
 * all items concatenated, and the per-item output shape.
 */
export async function runInBatches(
  ort: OrtModule,
  session: InferenceSession,
  io: { input: string; output: string },
  data: Float32Array,
  itemShape: number[],
  count: number,
  fixedBatch?: number,
): Promise<{ output: Float32Array; itemShape: number[] }> {
  const itemSize = itemShape.reduce((a, b) => a * b, 1);
  const chunk = fixedBatch ?? count;
  let output: Float32Array | null = null;
  let outputItemShape: number[] = [];
  for (let first = 0; first < count; first += chunk) {
    const size = Math.min(chunk, count - first);
    let input = data.subarray(first * itemSize, (first + size) * itemSize);
    if (size < chunk) {
      const padded = new Float32Array(chunk * itemSize);
      padded.set(input);
      input = padded;
    }
    const results = await session.run({
      [io.input]: new ort.Tensor('float32', input, [chunk, ...itemShape]),
    });
    const tensor = results[io.output];
    if (!tensor) {
      throw new Error(
        `The model has no output "${io.output}"; its outputs are: ${session.outputNames.join(', ')}.`,
      );
    }
    const values = tensor.data as Float32Array;
    outputItemShape = tensor.dims.slice(1).map(Number);
    // One run for all items: hand its output over as it is (no copy; the data is a plain array).
    if (first === 0 && chunk === count) return { output: values, itemShape: outputItemShape };
    const outputItemSize = values.length / chunk;
    output ??= new Float32Array(count * outputItemSize);
    output.set(values.subarray(0, size * outputItemSize), first * outputItemSize);
    tensor.dispose?.();
  }
  return { output: output ?? new Float32Array(0), itemShape: outputItemShape };
}
