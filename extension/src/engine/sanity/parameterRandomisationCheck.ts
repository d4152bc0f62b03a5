import { ExplainResult } from '../explain/explainVolume';
import { spearmanCorrelation } from '../metrics/spearmanCorrelation';
import { SegmentationModel } from '../model/SegmentationModel';
import { SanityExplain } from './SanityExplain';
import { RandomisationFigures, RandomisationStep, SanityCheck } from './SanityReport';

/** The last randomisation step's rank correlation must fall below this to pass (Adebayo et al.'s maps fall near 0). */
export const RANDOMISATION_PASS_BELOW = 0.3;

/** Copies of the model with its parameters re-randomised layer by layer from the top (the host loads them). */
export interface RandomisedModels {
  /** The layers each step adds, step 1 (the output end) first. */
  steps: string[][];
  /** The model with steps 1…`step` randomised; `release` frees it once its explanation is done. */
  open(step: number): Promise<{ model: SegmentationModel; release(): Promise<void> }>;
}

/**
 * Cascading model-parameter randomisation (Adebayo et al. 2018): the same explanation of each
 * step's model, scored on `targetRegion`, the ORIGINAL explanation's target (its organ mask, else a random model that predicts no
 * organ has nothing to explain, a map of 0 that would pass trivially), and its Spearman rank
 * correlation with the original map over the explained voxels. A map that explains the model must
 * change once the model's weights are noise: passes when the last step's r < the threshold.
 */
export async function parameterRandomisationCheck(
  explain: SanityExplain,
  randomised: RandomisedModels,
  original: ExplainResult,
  targetRegion: Uint8Array,
  keep: (v: number) => boolean,
): Promise<SanityCheck<RandomisationFigures>> {
  const threshold = RANDOMISATION_PASS_BELOW;
  const steps: RandomisationStep[] = [];
  for (const [n, layers] of randomised.steps.entries()) {
    const { model, release } = await randomised.open(n + 1);
    let map: Float32Array;
    try {
      map = (await explain(model, { targetRegion })).saliency.data;
    } finally {
      await release();
    }
    const r = spearmanCorrelation(original.saliency.data, map, keep);
    steps.push({ layers, spearman: Number.isNaN(r) ? null : r });
  }
  const figures = { steps, threshold };
  const last = steps.length > 0 ? steps[steps.length - 1].spearman : undefined;
  const layers = steps.reduce((sum, step) => sum + step.layers.length, 0);
  if (last === undefined) {
    return {
      status: 'not applicable',
      figures,
      summary: 'The model has no layer of float32 weights to randomise.',
    };
  }
  if (last === null) {
    return {
      status: 'warn',
      figures,
      summary:
        'A map is flat over the explained voxels (the original or the randomised model’s): no rank correlation to measure.',
    };
  }
  const said =
    `With all ${layers} layers randomised (${steps.length} steps from the top) the map's rank correlation ` +
    `with the original is ${last.toFixed(3)}`;
  return last < threshold
    ? {
        status: 'pass',
        figures,
        summary: `${said} (< ${threshold}): the map depends on the learned weights.`,
      }
    : {
        status: 'warn',
        figures,
        summary: `${said}, not below ${threshold}: the map looks much the same for a model of random weights, so it shows the image (edges, intensities) more than what the model learned.`,
      };
}
