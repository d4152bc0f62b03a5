import { CornerstoneLibraries, Services } from './ohifTypes';
import { labelmapSlices } from './labelmapSlices';
import { SeriesLayout } from './SeriesLayout';

export interface LabelmapSegment {
  label: string;
  color: number[];
}

/**
 * Adds a new labelmap segmentation derived from the displayed series and fills it with
 * `labels` (volume grid; label n ↦ segments[n − 1], 0 transparent): segments are AUTOMATIC /
 * "XAI-CLIP". Labelmap images are matched to volume slices by referencedImageId. Existing
 * segmentations are never touched; on failure the new one is removed again.
 */
export async function writeLabelmap(
  services: Services,
  { cornerstone, cornerstoneTools }: CornerstoneLibraries,
  series: SeriesLayout,
  labels: Uint8Array,
  options: { label: string; segments: LabelmapSegment[]; opacity: number },
): Promise<string> {
  const { segmentationService } = services;
  const segments = Object.fromEntries(
    options.segments.map((segment, n) => [
      n + 1,
      { label: segment.label, algorithmType: 'AUTOMATIC', algorithmName: 'XAI-CLIP', active: n === 0 },
    ]),
  );
  const segmentationId = await segmentationService.createLabelmapForDisplaySet(series.displaySet, {
    label: options.label,
    segments,
  });
  try {
    await segmentationService.addSegmentationRepresentation(series.viewportId, { segmentationId });
    const plane = series.dimensions[0] * series.dimensions[1];
    fillLabelmap(
      { cornerstone, cornerstoneTools },
      series,
      segmentationId,
      (k) => labels.subarray(k * plane, (k + 1) * plane),
      segmentationService,
    );
    options.segments.forEach((segment, n) =>
      segmentationService.setSegmentColor(series.viewportId, segmentationId, n + 1, segment.color),
    );
    setOverlayOpacity(cornerstoneTools, segmentationId, options.opacity);
  } catch (error) {
    segmentationService.remove(segmentationId);
    throw error;
  }
  return segmentationId;
}

/**
 * Writes the labels of each slice k that `labelsOf(k)` gives (undefined: the slice stays as it
 * is) into a labelmap of the series, slice by slice (matched by referencedImageId), and tells the
 * viewer to redraw it.
 */
export function fillLabelmap(
  { cornerstone, cornerstoneTools }: CornerstoneLibraries,
  series: SeriesLayout,
  segmentationId: string,
  labelsOf: (k: number) => Uint8Array | undefined,
  segmentationService: Services['segmentationService'],
): void {
  for (const { k, image } of labelmapSlices(
    segmentationService,
    { cornerstone },
    segmentationId,
    series.imageIds,
  )) {
    const labels = labelsOf(k);
    if (labels) image.voxelManager.getScalarData().set(labels);
  }
  cornerstoneTools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
}

/**
 * Fill opacity of an XAI-CLIP labelmap (0–1), and no outline, whether it is the viewport's active
 * segmentation or not (a run shown again after a newer one is inactive).
 */
export function setOverlayOpacity(
  cornerstoneTools: CornerstoneLibraries['cornerstoneTools'],
  segmentationId: string,
  opacity: number,
): void {
  cornerstoneTools.segmentation.config.style.setStyle(
    { segmentationId, type: cornerstoneTools.Enums.SegmentationRepresentations.Labelmap },
    { fillAlpha: opacity, fillAlphaInactive: opacity, renderOutline: false, renderOutlineInactive: false },
  );
}
