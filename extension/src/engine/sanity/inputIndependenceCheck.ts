import { SegmentationModel } from '../model/SegmentationModel';
import { constantOrganModel } from './constantOrganModel';
import { SanityExplain } from './SanityExplain';
import { IndependenceFigures, SanityCheck } from './SanityReport';

/**
 * The largest |saliency|, relative to the organ score, that input independence allows: rounding
 * of a least-squares fit (LIME's ridge gives ~1e-26 where the drops are all 0); everything else
 * is exactly 0.
 */
export const INDEPENDENCE_TOLERANCE = 1e-9;

/**
 * The input-independence self-test: the same method and settings on `model` with its input cut
 * off (constantOrganModel) must give a map of 0 (to float rounding, INDEPENDENCE_TOLERANCE × the
 * organ score); anything else is saliency the engine made up. Costs one pass per explained image.
 */
export async function inputIndependenceCheck(
  explain: SanityExplain,
  model: SegmentationModel,
): Promise<SanityCheck<IndependenceFigures>> {
  const { saliency, images } = await explain(constantOrganModel(model));
  const maxAbsSaliency = saliency.data.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
  const score = images.reduce((max, image) => Math.max(max, Math.abs(image.baselineScore)), 0);
  return maxAbsSaliency <= INDEPENDENCE_TOLERANCE * score
    ? {
        status: 'pass',
        figures: { maxAbsSaliency },
        summary:
          maxAbsSaliency === 0
            ? 'A model whose output ignores its input gets a map of exactly 0.'
            : `A model whose output ignores its input gets a map of 0 to rounding (max |saliency| ${maxAbsSaliency.toPrecision(2)}).`,
      }
    : {
        status: 'fail',
        figures: { maxAbsSaliency },
        summary:
          `A model whose output ignores its input gets saliency up to ${maxAbsSaliency.toPrecision(3)}: ` +
          'the map holds values no input caused. Please report this with the settings.',
      };
}
