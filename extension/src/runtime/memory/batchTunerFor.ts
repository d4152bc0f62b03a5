import { BatchTuner } from '../../engine/evaluate/BatchTuner';
import { BatchPlan } from './planBatchSize';

/** The batch sizes an auto batch tries, ascending; the largest is what the memory plan is made for. */
export const AUTO_BATCH_SIZES = [1, 2, 4, 8];
export const LARGEST_AUTO_BATCH = AUTO_BATCH_SIZES[AUTO_BATCH_SIZES.length - 1];

/**
 * The tuner of an auto batch size: AUTO_BATCH_SIZES up to the memory plan's batch (never more
 * memory than the budget allows) and from a fixed-batch model's batch up (fewer would still run
 * that many). With `cached`, an earlier run's choice for this model and backend, it tunes nothing.
 */
export function batchTunerFor(
  plan: BatchPlan,
  fixedBatch: number | undefined,
  cached: number | undefined,
  now?: () => number,
): BatchTuner {
  const fitting = AUTO_BATCH_SIZES.filter((size) => size <= plan.batchSize && size >= (fixedBatch ?? 1));
  const candidates = fitting.length > 0 ? fitting : [plan.batchSize];
  const reusable = cached !== undefined && candidates.includes(cached) ? cached : undefined;
  return new BatchTuner(candidates, now, reusable);
}
