import { Roi } from '@xai-clip/engine';
import { BenchSlice } from './benchSlice';
import { causalScores } from './causalScores';
import { roiIndicator } from './roiIndicator';
import { SanityUnit } from './schema';

/**
 * The slice's sanity maps, scored with the same deletion/insertion as the explanations: the
 * predicted-mask indicator (what a map that knows the model's answer scores), the panel's seeded
 * random order (what a map without knowledge scores) and the ROI indicator (what the localiser
 * alone scores). A metric that cannot tell the first two apart cannot rank explanations.
 */
export async function scoreSanityMaps(
  at: BenchSlice,
  predicted: Uint8Array,
  roi: Roi | undefined,
): Promise<SanityUnit[]> {
  const { benchCase, organ, slice } = at;
  const [nx, ny] = at.data.volume.dimensions;
  const unit = (
    map: SanityUnit['map'],
    auc: { deletion: number; insertion: number; insertionStart: number },
  ) => ({
    dataset: benchCase.dataset,
    subject: benchCase.subject,
    organ: organ.organ,
    slice,
    map,
    deletionAuc: auc.deletion,
    insertionAuc: auc.insertion,
    insertionStart: auc.insertionStart,
  });
  const indicator = await causalScores(at, Float32Array.from(predicted), true);
  const units = [unit('predicted-mask', indicator.normalised), unit('random', indicator.randomNormalised!)];
  if (roi)
    units.push(unit('roi-indicator', (await causalScores(at, roiIndicator(roi, slice, nx, ny))).normalised));
  return units;
}
