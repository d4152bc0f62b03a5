import { binSaliency } from '../engine/saliency/binSaliency';
import { CornerstoneLibraries, Services } from './ohifTypes';
import { SeriesLayout } from './SeriesLayout';
import { saliencyColors } from '../engine/saliency/saliencyColors';
import { writeLabelmap } from './writeLabelmap';

export interface SaliencyOverlay {
  segmentationId: string;
  /** The saliency's maximum (levels are fractions of it); 0 when nothing is salient. */
  max: number;
  legend: { label: number; name: string; lowerEdge: number; color: number[] }[];
}

/**
 * Shows a saliency map as a labelmap: binned into `levels` (the lowest transparent), one
 * segment per visible level labelled "XAI-CLIP <method> <organ> ≥ x", coloured by `inferno`. The
 * segmentation is called `label` (default "XAI-CLIP <method> <organ>").
 */
export async function writeSaliencyLabelmap(
  services: Services,
  libraries: CornerstoneLibraries,
  series: SeriesLayout,
  saliency: Float32Array,
  options: { method: string; organ: string; levels: number; opacity: number; label?: string },
): Promise<SaliencyOverlay> {
  const { labels, lowerEdges, max } = binSaliency(saliency, options.levels);
  const colors = saliencyColors(lowerEdges.length);
  const legend = lowerEdges.map((lowerEdge, n) => ({
    label: n + 1,
    name: `XAI-CLIP ${options.method} ${options.organ} ≥ ${lowerEdge.toFixed(2)}`,
    lowerEdge,
    color: colors[n],
  }));
  const segmentationId = await writeLabelmap(services, libraries, series, labels, {
    label: options.label ?? `XAI-CLIP ${options.method} ${options.organ}`,
    segments: legend.map((level) => ({ label: level.name, color: level.color })),
    opacity: options.opacity,
  });
  return { segmentationId, max, legend };
}
