import { ExplainResult } from '../explain/explainVolume';
import { getMethod } from '../methods';
import { pearsonCorrelation } from '../metrics/pearsonCorrelation';
import { SegmentationModel } from '../model/SegmentationModel';
import { SanityExplain } from './SanityExplain';
import { RepeatFigures, SanityCheck } from './SanityReport';

/** The mean pairwise Pearson r of a seeded method's repeats must reach this to pass. */
export const REPEAT_PASS_AT_LEAST = 0.8;

/**
 * Repeat stability: a seeded method (RISE, LIME) run again with `repeats` other seeds; the mean
 * Pearson r over all pairs of maps (the original's included) on the explained voxels. Below the
 * threshold the map is mostly sampling noise: more masks or samples are needed. Occlusion is
 * deterministic (not applicable, nothing run; so is a run of no repeats).
 */
export async function repeatStabilityCheck(
  explain: SanityExplain,
  model: SegmentationModel,
  original: ExplainResult,
  methodId: string,
  seed: number,
  repeats: number,
  keep: (v: number) => boolean,
): Promise<SanityCheck<RepeatFigures>> {
  const method = getMethod(methodId);
  const threshold = REPEAT_PASS_AT_LEAST;
  if (!method.seeded || repeats === 0) {
    return {
      status: 'not applicable',
      figures: { seeds: [seed], meanPearson: null, threshold },
      summary: method.seeded
        ? 'No repeat was asked for.'
        : `${method.label} is deterministic: a repeat gives the same map.`,
    };
  }
  const seeds = Array.from({ length: repeats + 1 }, (_, n) => seed + n);
  const maps = [original.saliency.data];
  for (const other of seeds.slice(1)) maps.push((await explain(model, { seed: other })).saliency.data);
  const pairs = maps.flatMap((a, n) => maps.slice(n + 1).map((b) => pearsonCorrelation(a, b, keep)));
  const mean = pairs.reduce((sum, r) => sum + r, 0) / pairs.length;
  const figures = { seeds, meanPearson: Number.isNaN(mean) ? null : mean, threshold };
  if (Number.isNaN(mean)) {
    return {
      status: 'warn',
      figures,
      summary: `A map of the ${seeds.length} seeds is flat: no correlation to measure.`,
    };
  }
  const said = `${method.label} with ${seeds.length} seeds: mean pairwise Pearson r = ${mean.toFixed(3)}`;
  return mean >= threshold
    ? { status: 'pass', figures, summary: `${said} (≥ ${threshold}).` }
    : {
        status: 'warn',
        figures,
        summary: `${said}, below ${threshold}: the map is mostly sampling noise; raise the ${method.id === 'rise' ? 'masks' : 'samples'}.`,
      };
}
