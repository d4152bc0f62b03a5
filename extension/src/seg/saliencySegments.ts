import { saliencyColors } from '../engine/saliency/saliencyColors';
import { SegSegment, xaiClipSegment } from './xaiClipSegment';

/**
 * The SEG segments of a binned saliency map, one per visible level (label n = SegmentNumber n,
 * as `binSaliency` numbers them): label "XAI-CLIP <method> <organ> >= <lower edge>" (the viewer's
 * overlay names, ASCII), a description with the level and threshold, and the level's colour;
 * algorithm and organ codes as `xaiClipSegment` writes them.
 * Pure: the viewer uses it to rewrite the SegmentSequence of a SEG that OHIF generated.
 */
export function saliencySegments(options: {
  method: string;
  organ: string;
  /** Lower edge of each visible level as a fraction of the maximum (`binSaliency().lowerEdges`). */
  lowerEdges: number[];
  /** XAI-CLIP's version, written as AlgorithmVersion. */
  version: string;
  /** Free text (e.g. model and method settings), written as AlgorithmParameters. */
  parameters?: string;
}): SegSegment[] {
  const { method, organ, lowerEdges } = options;
  const colors = saliencyColors(lowerEdges.length);
  return lowerEdges.map((lowerEdge, n) => {
    const upper = n + 1 < lowerEdges.length ? `below ${lowerEdges[n + 1].toFixed(2)}` : 'up to 1';
    return xaiClipSegment({
      number: n + 1,
      label: `XAI-CLIP ${method} ${organ} >= ${lowerEdge.toFixed(2)}`,
      description:
        `${method} saliency of ${organ}, level ${n + 1} of ${lowerEdges.length}: ` +
        `saliency from ${lowerEdge.toFixed(2)} ${upper} of its maximum`,
      organ,
      color: colors[n],
      version: options.version,
      parameters: options.parameters,
    });
  });
}
