import { Predictor } from '../model/SegmentationModel';
import { Target } from '../targets/Target';
import { firstDifference } from '../volume/firstDifference';
import { BatchTuner } from './BatchTuner';
import { ProgressTracker } from './ProgressTracker';

/** The bound image and its target value: what a perturbation that changes nothing scores. */
export interface Unperturbed {
  image: Float32Array;
  score: number;
}

/**
 * The one batching loop: evaluates `count` perturbed images in batches of `batchSize` (a number,
 * or a tuner that sizes each call and times it: see BatchTuner) and hands each image's target value to `receive`, in index order. Every model call of every
 * method goes through here, so pass counting, progress and cancellation are the same for all.
 *
 * With `unperturbed`, a perturbed image that gives the network the unperturbed input (equal to
 * `unperturbed.image` voxel for voxel, or not `predictor.changesInput`) is not sent: it receives
 * `unperturbed.score` exactly and counts as skipped on `tracker`.
 *
 * `afterBatch` runs once each batch's scores are received (a running map may be read then).
 *
 * Cost: `count` − skipped forward passes in about ⌈(count − skipped) / batchSize⌉ calls.
 */
export async function runBatches(
  predictor: Predictor,
  imageSize: number,
  count: number,
  write: (index: number, out: Float32Array) => void,
  target: Target,
  receive: (index: number, score: number) => void,
  batchSize: number | BatchTuner,
  tracker: ProgressTracker,
  unperturbed?: Unperturbed,
  afterBatch?: () => void,
): Promise<void> {
  const tuner = typeof batchSize === 'number' ? undefined : batchSize;
  const largest = Math.max(1, Math.min(tuner?.largest ?? (batchSize as number), count));
  const batch = new Float32Array(largest * imageSize);
  const itemSize = predictor.classNames.length * predictor.outputSize;
  const unchanged = (image: Float32Array) =>
    unperturbed !== undefined &&
    (firstDifference(image, unperturbed.image) === imageSize || predictor.changesInput?.(image) === false);
  let next = 0;
  while (next < count) {
    tracker.throwIfCancelled();
    // This batch's indices in order with their slots; -1: skipped (a skipped image's slot is reused).
    // At most 4 batches' worth of indices, so progress and cancellation keep pace over skipped ones.
    const start = next;
    const perCall = Math.min(tuner?.next() ?? largest, largest);
    const slots: number[] = [];
    let size = 0;
    for (; next < count && size < perCall && next - start < 4 * perCall; next++) {
      const out = batch.subarray(size * imageSize, (size + 1) * imageSize);
      write(next, out);
      slots.push(unchanged(out) ? -1 : size++);
    }
    const input = size * imageSize === batch.length ? batch : batch.subarray(0, size * imageSize);
    const started = tuner?.now();
    const probabilities = size > 0 ? await predictor.predict(input, size) : undefined;
    if (tuner && size > 0) tuner.measured(size, tuner.now() - started!);
    slots.forEach((slot, n) =>
      receive(start + n, slot < 0 ? unperturbed!.score : target(probabilities!, slot * itemSize)),
    );
    tracker.advance(size, slots.length - size);
    afterBatch?.();
  }
  tracker.throwIfCancelled();
}
