import { Volume } from '@xai-clip/engine';
import { DicomSeriesMeta, readVolume } from '@xai-clip/io';
import { checkLabelGeometry } from './checkLabelGeometry';

/**
 * Reads a label volume for `image` (NIfTI, or a folder of per-slice PNG masks paired with a
 * DICOM series by file order) and checks that it lies on the image's grid: dimensions, origin,
 * spacing and orientation.
 */
export async function readLabels(path: string, image: Volume & { meta?: DicomSeriesMeta }): Promise<Volume> {
  const labels = await readVolume(path, { reference: image, sliceOrder: image.meta?.sliceFileIndex });
  const same = labels.dimensions.every((n, a) => n === image.dimensions[a]);
  if (!same) {
    throw new Error(
      `The labels ${path} are ${labels.dimensions.join('×')} but the image is ${image.dimensions.join('×')}; they must share one grid.`,
    );
  }
  checkLabelGeometry(labels, image, path);
  return labels;
}
