import { Volume } from '@xai-clip/engine';
import { ExplainRequest } from '@xai-clip/runtime';

/**
 * A --margin-mm past the image's largest extent already takes in the whole image, so it is
 * lowered to that extent, which gives the same ROI (a margin of 1e9 mm used to run for minutes).
 * Returns the note that says so, or undefined when the margin fits.
 */
export function clampMarginToImage(request: ExplainRequest, image: Volume): string | undefined {
  const extent = Math.max(...image.dimensions.map((n, axis) => n * image.spacing[axis]));
  if (request.marginMm === undefined || request.marginMm <= extent) return undefined;
  const asked = request.marginMm;
  request.marginMm = extent;
  const mm = `${Number(extent.toPrecision(4))} mm`;
  return `--margin-mm ${asked} reaches past the image (${mm} across at most); using ${mm}, which takes in all of it.`;
}
