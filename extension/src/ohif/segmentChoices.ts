import { Services } from './ohifTypes';

/** A segment of a segmentation in the viewer, as the panel offers it for "explain this region". */
export interface SegmentChoice {
  segmentationId: string;
  segmentIndex: number;
  /** "Manual liver › liver": the segmentation's label, then the segment's. */
  label: string;
}

/**
 * The segments a user can ask XAI-CLIP to explain: every segment of every labelmap segmentation
 * in the viewer (drawn with the brush, loaded from a SEG, made by another tool), except XAI-CLIP's
 * own overlays (saliency levels, ROI, predicted organ), whose regions are the explanation's output.
 */
export function segmentChoices(segmentationService: Services['segmentationService']): SegmentChoice[] {
  return segmentationService
    .getSegmentations()
    .flatMap(({ segmentationId, label, segments }) =>
      Object.entries(segments ?? {}).flatMap(([index, segment]) =>
        segment && segment.algorithmName !== 'XAI-CLIP'
          ? [{ segmentationId, segmentIndex: Number(index), label: `${label} › ${segment.label}` }]
          : [],
      ),
    );
}
