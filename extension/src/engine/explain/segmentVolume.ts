import { SegmentationModel } from '../model/SegmentationModel';
import { Volume } from '../volume/Volume';
import { asFloat32, createVolume, sliceOf, voxelCount } from '../volume/volumeUtils';
import { assertFinite } from './assertFinite';

/**
 * The model's label map on the volume grid (argmax over classes, class index per voxel):
 * slice by slice for 2-D models, in one pass for 3-D models.
 *
 * Cost: nz forward passes (2-D) or 1 (3-D).
 */
export async function segmentVolume(
  volume: Volume,
  model: SegmentationModel,
  onSlice?: (done: number, total: number) => void,
): Promise<Volume<Uint8Array>> {
  const labels = new Uint8Array(voxelCount(volume.dimensions));
  const images =
    model.dimensionality === 3
      ? [asFloat32(volume)]
      : Array.from({ length: volume.dimensions[2] }, (_, k) => asFloat32(sliceOf(volume, k)));
  for (let n = 0; n < images.length; n++) {
    const image = images[n];
    assertFinite(image.data, model.dimensionality === 3 ? 'The volume' : `Slice ${n}`);
    const predictor = await model.bind(image);
    const probabilities = predictor.toImageGrid(await predictor.predict(image.data, 1));
    const size = image.data.length;
    const classes = predictor.classNames.length;
    for (let v = 0; v < size; v++) {
      let best = 0;
      for (let c = 1; c < classes; c++)
        if (probabilities[c * size + v] > probabilities[best * size + v]) best = c;
      labels[n * size + v] = best;
    }
    onSlice?.(n + 1, images.length);
  }
  return createVolume(labels, volume.dimensions, volume);
}
