import { ImageReport } from './explainVolume';

/**
 * How much the organ's score falls when everything outside the ROI is replaced by the fill, as a
 * fraction of its unperturbed score, over the explained images that measured it (Σ drop / Σ score);
 * undefined when none did (no ROI, or an ROI that is the whole image). Near 0: the ROI holds what
 * the model uses. Large: the model also relies on context outside it, which an ROI-guided map
 * cannot show. Negative: the outside works against the organ.
 */
export function outsideRoiDrop(images: ImageReport[]): number | undefined {
  let baseline = 0;
  let kept = 0;
  for (const image of images) {
    if (image.outsideRoiScore === undefined) continue;
    baseline += image.baselineScore;
    kept += image.outsideRoiScore;
  }
  return baseline > 0 ? (baseline - kept) / baseline : undefined;
}
