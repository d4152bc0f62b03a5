import { Predictor } from '../model/SegmentationModel';
import { Target } from '../targets/Target';
import { ProgressTracker } from './ProgressTracker';

/**
 * The one batching loop: evaluates `count` perturbed images in batches of `batchSize`
 * and hands each image's target value to `receive`. Every model call of every method goes
 * through here, so pass counting, progress and cancellation are the same for all.
 *
 * Cost: `count` forward passes in ⌈count / batchSize⌉ calls.
 */
export async function runBatches(
  predictor: Predictor,
  imageSize: number,
  count: number,
  write: (index: number, out: Float32Array) => void,
  target: Target,
  receive: (index: number, score: number) => void,
  batchSize: number,
  tracker: ProgressTracker,
): Promise<void> {
  const perCall = Math.max(1, Math.min(batchSize, count));
  const batch = new Float32Array(perCall * imageSize);
  const itemSize = predictor.classNames.length * predictor.outputSize;
  for (let first = 0; first < count; first += perCall) {
    tracker.throwIfCancelled();
    const size = Math.min(perCall, count - first);
    for (let slot = 0; slot < size; slot++) {
      write(first + slot, batch.subarray(slot * imageSize, (slot + 1) * imageSize));
    }
    const input = size === perCall ? batch : batch.subarray(0, size * imageSize);
    const probabilities = await predictor.predict(input, size);
    for (let slot = 0; slot < size; slot++) receive(first + slot, target(probabilities, slot * itemSize));
    tracker.advance(size);
  }
  tracker.throwIfCancelled();
}
