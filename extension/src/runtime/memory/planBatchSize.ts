import { ItemMemory } from './estimateItemMemory';
import { formatBytes } from './formatBytes';

/** The batch size an explanation runs with, and why. */
export interface BatchPlan {
  /** The request's batch size. */
  asked: number;
  /** What runs: `asked`, lowered so that a batch stays within the budget. */
  batchSize: number;
  item: ItemMemory;
  /** Absent: no budget, nothing capped. */
  budgetBytes?: number;
  /** Set when the batch was lowered, in words (for notes and the CLI's stderr). */
  note?: string;
}

/**
 * Caps `asked` so that `batchSize × item.totalBytes` stays within `budgetBytes`. `smallest` is
 * the fewest items one model call takes (a network exported with a fixed batch always runs that
 * many); when even those do not fit, it fails before anything runs, saying what would help.
 */
export function planBatchSize(
  item: ItemMemory,
  asked: number,
  budgetBytes: number | undefined,
  smallest = 1,
): BatchPlan {
  if (budgetBytes === undefined) return { asked, batchSize: asked, item };
  const perItem = formatBytes(item.totalBytes);
  const budget = formatBytes(budgetBytes);
  if (smallest * item.totalBytes > budgetBytes) {
    throw new Error(
      `The model needs about ${perItem} per image (${partsOf(item)}) but the memory budget is ${budget}, ` +
        `so not even ${smallest === 1 ? 'one image' : `one call of ${smallest} images (the model's fixed batch)`} fits. ` +
        'Raise the memory budget (CLI: --memory-budget) if the machine has the memory, or give the model a smaller ' +
        'input: crop the image, or a coarser segmenter.targetSpacingMm / a smaller fixed size in the manifest.',
    );
  }
  const fits = Math.max(1, Math.floor(budgetBytes / item.totalBytes));
  if (asked <= fits) return { asked, batchSize: asked, item, budgetBytes };
  return {
    asked,
    batchSize: fits,
    item,
    budgetBytes,
    note: `Batch ${asked} → ${fits}: about ${perItem} per image (${partsOf(item)}), memory budget ${budget}.`,
  };
}

function partsOf(item: ItemMemory): string {
  return (
    `input ${formatBytes(item.inputBytes)}, output ${formatBytes(item.outputBytes)}, ` +
    `activations ≈ ${formatBytes(item.activationBytes)} ${item.activationSource === 'manifest' ? "at the manifest's activationBytesPerVoxel" : 'estimated'}`
  );
}
