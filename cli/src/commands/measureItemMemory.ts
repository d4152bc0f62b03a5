import { execFile } from 'child_process';
import { promisify } from 'util';
import { Volume } from '@xai-clip/engine';
import { LARGEST_AUTO_BATCH, OrtSegmentationModel, planBatch } from '@xai-clip/runtime';
import { PeakSource } from './trackPeakRss';

/** What `models validate --measure-memory` found, on the dry-run image. */
export interface MemoryMeasurement {
  /** The two batch sizes compared. */
  batches: [number, number];
  /** How far the peak resident memory rose at each (the lower of two fresh processes). */
  peakGrowthBytes: [number, number];
  peakSource: PeakSource;
  /** The rise per extra image: what one batch item really costs. */
  measuredPerItemBytes: number;
  /** The activations per network voxel that make the estimate's total equal the measurement. */
  activationBytesPerVoxel: number;
  /** The line to add to the manifest's segmenter. */
  manifestLine: string;
}

// The larger batch adds at least this much by the current estimate, so that the rise stands well
// above the few MB that V8 and the allocator vary by from one process to the next.
const MIN_ESTIMATED_RISE_BYTES = 64e6;
const PROCESSES_PER_BATCH = 2;

/**
 * Measures the segmenter's memory per batch item on the node backend: the rise of the peak
 * resident memory (see trackPeakRss) from a batch of 1 to a larger batch of the dry-run image,
 * each in fresh processes (`models batch-peak-memory`). Fresh, because ONNX Runtime's CPU arena
 * keeps what a run grew it to, and the allocator keeps freed memory: in one process the larger
 * batch would partly reuse, partly add to the smaller one's regions. Each size runs in two
 * processes and the lower rise counts, as noise only adds. The larger batch is the one an
 * explanation runs (the default, or fewer under the budget), or more for a small model so that
 * the rise stands above the noise: the arena grows in power-of-two regions, so memory is a step
 * function of the batch and a figure from a smaller batch would under-plan the batch that runs
 * (the CHAOS SegFormer: ≈ 20 MB per image from 1 to 3, ≈ 30 MB from 1 to 8). The activations per
 * voxel are what remains after the input and output copies the estimate already counts.
 */
export async function measureItemMemory(
  manifest: string,
  segmenter: OrtSegmentationModel,
  image: Volume,
  budgetBytes: number,
): Promise<MemoryMeasurement> {
  if (segmenter.fixedBatch) {
    throw new Error(
      `--measure-memory compares batches of different sizes, but this network always runs a fixed batch of ${segmenter.fixedBatch}, so its memory does not grow with the batch size.`,
    );
  }
  const item = segmenter.itemMemory(image);
  const wanted = Math.max(LARGEST_AUTO_BATCH, Math.ceil(MIN_ESTIMATED_RISE_BYTES / item.totalBytes) + 1);
  const large = planBatch(segmenter, image, wanted, budgetBytes).batchSize;
  if (large < 2) {
    throw new Error(
      `--measure-memory runs a batch of at least 2 images, but the memory budget fits 1 by the current estimate; raise --memory-budget.`,
    );
  }
  const small = await lowestPeakGrowth(manifest, 1);
  const big = await lowestPeakGrowth(manifest, large);
  const measuredPerItemBytes = (big.growthBytes - small.growthBytes) / (large - 1);
  if (!(measuredPerItemBytes > 0)) {
    throw new Error(
      `The peak memory did not rise from batch 1 (+${small.growthBytes} bytes) to batch ${large} (+${big.growthBytes} bytes): ` +
        'this model needs less per image than the measurement resolves. Keep the default estimate.',
    );
  }
  const activationBytesPerVoxel = Math.max(
    1,
    Math.ceil((measuredPerItemBytes - item.inputBytes - item.outputBytes) / item.voxels),
  );
  return {
    batches: [1, large],
    peakGrowthBytes: [small.growthBytes, big.growthBytes],
    peakSource: big.source,
    measuredPerItemBytes,
    activationBytesPerVoxel,
    manifestLine: `"activationBytesPerVoxel": ${activationBytesPerVoxel}`,
  };
}

const run = promisify(execFile);

/** Runs `models batch-peak-memory` in fresh processes of this CLI; the lowest rise of the peak. */
async function lowestPeakGrowth(
  manifest: string,
  batch: number,
): Promise<{ growthBytes: number; source: PeakSource }> {
  const peaks: { growthBytes: number; source: PeakSource }[] = [];
  for (let n = 0; n < PROCESSES_PER_BATCH; n++) {
    const args = ['models', 'batch-peak-memory', manifest, '--batch', String(batch)];
    const { stdout } = await run(process.execPath, [...process.execArgv, process.argv[1], ...args]);
    peaks.push(JSON.parse(stdout));
  }
  return peaks.reduce((low, peak) => (peak.growthBytes < low.growthBytes ? peak : low));
}
