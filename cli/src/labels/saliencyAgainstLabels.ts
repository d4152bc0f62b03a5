import { ExplainResult, saliencyOverlap, Volume } from '@xai-clip/engine';
import { labelValueCounts } from './labelValueCounts';
import { labelWarnings } from './labelWarnings';
import { OrganLabelValue } from './organLabelValue';

/**
 * Dice/IoU of an explanation's map against the organ's labels, over the voxels of the explained
 * slices only, and the warnings about that ground truth (see labelWarnings): an organ the model
 * predicts there but the labels do not hold, a binary mask taken for class 1.
 */
export function saliencyAgainstLabels(
  result: ExplainResult,
  labels: Volume,
  organ: OrganLabelValue & { className: string; classNames: readonly string[] },
): { metrics: ReturnType<typeof saliencyOverlap>; warnings: string[] } {
  const plane = result.saliency.dimensions[0] * result.saliency.dimensions[1];
  const pick = (data: ArrayLike<number>) => {
    const out = new Float32Array(result.explainedSlices.length * plane);
    result.explainedSlices.forEach((k, n) => {
      for (let v = 0; v < plane; v++) out[n * plane + v] = data[k * plane + v];
    });
    return out;
  };
  const explained = pick(labels.data);
  const truth = explained.map((value) => (value === organ.value ? 1 : 0));
  const warnings = labelWarnings({
    labelsPath: organ.labelsPath,
    counts: labelValueCounts(explained),
    allCounts: organ.counts,
    values: new Map([[organ.className, organ.value]]),
    guessed: organ.guessed,
    classNames: organ.classNames,
    predicted: new Map([[organ.className, result.images.reduce((sum, image) => sum + image.organVoxels, 0)]]),
    where: result.explainedSlices.length === labels.dimensions[2] ? '' : ' on the explained slices',
  });
  return { metrics: saliencyOverlap(pick(result.saliency.data), truth), warnings };
}
