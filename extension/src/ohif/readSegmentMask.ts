import { labelmapSlices } from './labelmapSlices';
import { CornerstoneLibraries, Services } from './ohifTypes';

/**
 * Segment `segmentIndex` of a labelmap segmentation in the viewer as a 0/1 mask on the volume grid
 * of the series whose slice k shows `imageIds[k]` (labelmap images are matched to slices by their
 * referencedImageId, as `fillLabelmap` writes them). Refuses, saying what to do, when the
 * segmentation is not a labelmap of this series or the segment has no voxel.
 */
export function readSegmentMask(
  segmentationService: Services['segmentationService'],
  libraries: Pick<CornerstoneLibraries, 'cornerstone'>,
  segment: { segmentationId: string; segmentIndex: number; label: string },
  imageIds: string[],
  plane: number,
): Uint8Array {
  const slices = labelmapSlices(segmentationService, libraries, segment.segmentationId, imageIds);
  const mask = new Uint8Array(plane * imageIds.length);
  let voxels = 0;
  for (const { k, image } of slices) {
    const labels = image.voxelManager.getScalarData();
    for (let v = 0; v < plane; v++) {
      if (labels[v] !== segment.segmentIndex) continue;
      mask[k * plane + v] = 1;
      voxels++;
    }
  }
  if (slices.length === 0) {
    throw new Error(
      `"${segment.label}" is not a labelmap of the active series. Pick a segment drawn on this series, or load it on this series.`,
    );
  }
  if (voxels === 0) {
    throw new Error(
      `"${segment.label}" has no voxel. Draw the region with the brush first, or pick another segment.`,
    );
  }
  return mask;
}
