import { Scope } from '../engine/explain/Scope';
import { segmentVolume } from '../engine/explain/segmentVolume';
import { SegmentationModel } from '../engine/model/SegmentationModel';
import { Volume } from '../engine/volume/Volume';
import { sliceOf } from '../engine/volume/volumeUtils';

/**
 * The model's prediction of class `classIndex` on the volume grid (0/1). One slice explained by a
 * 2-D model needs only that slice segmented (1 pass; the other slices stay 0); otherwise the whole
 * volume is (nz passes for a 2-D model, 1 for a 3-D one).
 */
export async function predictedOrganMask(
  model: SegmentationModel,
  volume: Volume,
  classIndex: number,
  where: { scope: Scope; slice?: number },
): Promise<Uint8Array> {
  const mask = new Uint8Array(volume.data.length);
  const k = where.slice;
  const only =
    where.scope === 'slice' &&
    model.dimensionality === 2 &&
    Number.isInteger(k) &&
    k! >= 0 &&
    k! < volume.dimensions[2]
      ? k
      : undefined;
  const labels = await segmentVolume(only === undefined ? volume : sliceOf(volume, only), model);
  const offset = only === undefined ? 0 : only * labels.data.length;
  labels.data.forEach((label, v) => (mask[offset + v] = label === classIndex ? 1 : 0));
  return mask;
}
