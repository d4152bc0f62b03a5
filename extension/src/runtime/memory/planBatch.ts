import { Vec3, Volume } from '../../engine/volume/Volume';
import { OrtSegmentationModel } from '../OrtSegmentationModel';
import { BatchPlan, planBatchSize } from './planBatchSize';

/**
 * The batch size `segmenter` explains `volume` with under `budgetBytes`: `asked`, or fewer when a
 * batch of it would not fit (see planBatchSize). A 2-D model's items are slices, a 3-D model's
 * the volume. Throws, before anything runs, when not even one call fits.
 */
export function planBatch(
  segmenter: OrtSegmentationModel,
  volume: Pick<Volume, 'dimensions' | 'spacing' | 'direction'>,
  asked: number,
  budgetBytes: number | undefined,
): BatchPlan {
  const [nx, ny] = volume.dimensions;
  const image = segmenter.dimensionality === 2 ? { ...volume, dimensions: [nx, ny, 1] as Vec3 } : volume;
  return planBatchSize(segmenter.itemMemory(image), asked, budgetBytes, segmenter.fixedBatch);
}
