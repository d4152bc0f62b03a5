import {
  explainedVoxels,
  explainVolume,
  parameterRandomisationCheck,
  pointingGame,
  SegmentationModel,
} from '@xai-clip/engine';
import { Explanation, explainOptionsOf } from '@xai-clip/runtime';
import { BenchSlice, planeOf } from './benchSlice';
import { round } from './numbers';
import { BenchUnit } from './schema';

/**
 * A benchmark unit's sanity figures: the pointing game (the map's maximum inside the predicted
 * organ, on the slice) and, with `randomised` (the model with every layer randomised), the rank
 * correlation of the same explanation of it with the map (Adebayo et al.'s last cascade step;
 * scored on the original's organ mask, over the explained voxels).
 */
export async function sanityFigures(
  at: BenchSlice,
  explanation: Explanation,
  randomised: SegmentationModel | null | undefined,
): Promise<Pick<BenchUnit, 'pointingHit' | 'randomisationSpearman'>> {
  const { result } = explanation;
  const volume = at.data.volume;
  // A map without a positive value points nowhere: a miss.
  const pointingHit =
    pointingGame(planeOf(result.saliency, at.slice), planeOf(result.organMask, at.slice))?.hit ?? false;
  if (!randomised) return { pointingHit, randomisationSpearman: null };
  const { request, classIndex, roi } = explanation;
  const options = explainOptionsOf(request, classIndex, roi, volume, explanation.batch.batchSize);
  const keep = explainedVoxels(result, volume.dimensions);
  const check = await parameterRandomisationCheck(
    (model, changed) => explainVolume(volume, model, { ...options, ...changed }),
    { steps: [['all layers']], open: async () => ({ model: randomised, release: async () => undefined }) },
    result,
    result.organMask.data,
    (v) => keep[v] === 1,
  );
  const r = check.figures.steps[0].spearman;
  return { pointingHit, randomisationSpearman: r === null ? null : round(r, 4) };
}
