import { SegSegment, xaiClipSegment } from './xaiClipSegment';

/**
 * The one SEG segment of a saliency map's top-k % mask: label "XAI-CLIP top 5 % occlusion liver",
 * the organ's codes (what the saliency explains), the level colour of the map's top.
 */
export function topPercentSegments(options: {
  method: string;
  organ: string;
  percent: number;
  /** sRGB 0–255. */
  color: ArrayLike<number>;
  version: string;
  parameters?: string;
}): SegSegment[] {
  const { method, organ, percent } = options;
  return [
    xaiClipSegment({
      number: 1,
      label: `XAI-CLIP top ${percent} % ${method} ${organ}`,
      description: `The ${percent} % most salient voxels of the explained slices (${method} saliency of ${organ})`,
      organ,
      color: options.color,
      version: options.version,
      parameters: options.parameters,
    }),
  ];
}
