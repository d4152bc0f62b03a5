import { binSaliency } from '../engine/saliency/binSaliency';
import { ActiveSeries } from './readActiveVolume';
import { CornerstoneLibraries, Services } from './ohifTypes';
import { saliencyColors } from './saliencyColors';

export interface SaliencyOverlay {
  segmentationId: string;
  legend: { label: number; name: string; lowerEdge: number; color: number[] }[];
}

/**
 * Shows a saliency map as a new labelmap segmentation derived from the displayed series:
 * binned into `levels` (the lowest transparent), one segment per visible level labelled
 * "XAI-CLIP <method> <organ> ≥ x", algorithm AUTOMATIC / "XAI-CLIP". Existing segmentations
 * are never touched. Labelmap images are matched to volume slices by referencedImageId.
 */
export async function writeSaliencyLabelmap(
  services: Services,
  { cornerstone, cornerstoneTools }: CornerstoneLibraries,
  series: ActiveSeries,
  saliency: Float32Array,
  options: { method: string; organ: string; levels: number; opacity: number },
): Promise<SaliencyOverlay> {
  const { segmentationService } = services;
  const { labels, lowerEdges } = binSaliency(saliency, options.levels);
  const colors = saliencyColors(lowerEdges.length);
  const legend = lowerEdges.map((lowerEdge, n) => ({
    label: n + 1,
    name: `XAI-CLIP ${options.method} ${options.organ} ≥ ${lowerEdge.toFixed(2)}`,
    lowerEdge,
    color: colors[n],
  }));
  const segments = Object.fromEntries(
    legend.map((level) => [
      level.label,
      { label: level.name, algorithmType: 'AUTOMATIC', algorithmName: 'XAI-CLIP', active: level.label === 1 },
    ]),
  );
  const segmentationId = await segmentationService.createLabelmapForDisplaySet(series.displaySet, {
    label: `XAI-CLIP ${options.method} ${options.organ}`,
    segments,
  });
  try {
    await segmentationService.addSegmentationRepresentation(series.viewportId, { segmentationId });
    const imageIds =
      segmentationService.getSegmentation(segmentationId)?.representationData.Labelmap?.imageIds ?? [];
    const [nx, ny] = series.volume.dimensions;
    const plane = nx * ny;
    for (const imageId of imageIds) {
      const image = cornerstone.cache.getImage(imageId);
      const k = image?.referencedImageId ? series.imageVolume.imageIds.indexOf(image.referencedImageId) : -1;
      if (!image || k < 0) continue;
      image.voxelManager.getScalarData().set(labels.subarray(k * plane, (k + 1) * plane));
    }
    cornerstoneTools.segmentation.triggerSegmentationEvents.triggerSegmentationDataModified(segmentationId);
    legend.forEach((level) =>
      segmentationService.setSegmentColor(series.viewportId, segmentationId, level.label, level.color),
    );
    setOverlayOpacity(cornerstoneTools, segmentationId, options.opacity);
  } catch (error) {
    // Leave nothing half-written behind.
    segmentationService.remove(segmentationId);
    throw error;
  }
  return { segmentationId, legend };
}

/** Fill opacity of a saliency labelmap (0–1). */
export function setOverlayOpacity(
  cornerstoneTools: CornerstoneLibraries['cornerstoneTools'],
  segmentationId: string,
  opacity: number,
): void {
  cornerstoneTools.segmentation.config.style.setStyle(
    { segmentationId, type: cornerstoneTools.Enums.SegmentationRepresentations.Labelmap },
    { fillAlpha: opacity, fillAlphaInactive: opacity, renderOutline: false },
  );
}
