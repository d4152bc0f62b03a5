import { SegSegment, xaiClipSegment } from './xaiClipSegment';

/**
 * The one SEG segment of the segmentation model's predicted organ mask (the mask the saliency
 * explains): label "XAI-CLIP predicted <organ>", the organ's codes, the viewer's overlay colour.
 */
export function organMaskSegments(options: {
  organ: string;
  /** sRGB 0–255 of the viewer's organ overlay. */
  color: ArrayLike<number>;
  version: string;
  parameters?: string;
}): SegSegment[] {
  return [
    xaiClipSegment({
      number: 1,
      label: `XAI-CLIP predicted ${options.organ}`,
      description: `${options.organ} as the explained segmentation model predicts it (the mask the saliency explains)`,
      ...options,
    }),
  ];
}
