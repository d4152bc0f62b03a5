import { RunKind } from './benchRequest';
import { BenchSlice } from './benchSlice';
import { SliceResults } from './benchStore';
import { scoreRun, ScoredRun } from './benchUnit';
import { compareCoarseToFine } from './compareCoarseToFine';
import { roiControls } from './roiControls';
import { scoreSanityMaps } from './sanityMaps';
import { fastestRuns } from './timeExplanation';

/**
 * One slice explained by every method in its full-image and ROI variants (and coarse-to-fine
 * occlusion), the ROI runs with their controls, and the slice's sanity maps.
 */
export async function explainSlice(at: BenchSlice): Promise<SliceResults> {
  const results: SliceResults = { units: [], sanityUnits: [], coarseToFine: [] };
  // The slice's predicted organ and ROI, from its first method's runs: the sanity maps.
  let sanityOf: { predicted: Uint8Array; roi?: ScoredRun['roi'] } | undefined;
  for (const method of at.settings.methods) {
    const kinds: RunKind[] = [
      { method, variant: 'full', coarseToFine: false },
      { method, variant: 'roi', coarseToFine: false },
    ];
    if (method === 'occlusion' && at.settings.coarseToFine)
      kinds.push({ method, variant: 'roi', coarseToFine: true });
    const scored: ScoredRun[] = [];
    for (const run of await fastestRuns(at, kinds)) scored.push(await scoreRun(at, run));
    const [full, roi, refined] = scored;
    for (const guided of [roi, refined])
      if (guided?.roi) guided.unit.controls = roiControls(at, full.saliency, guided.roi);
    results.units.push(...scored.map((s) => s.unit));
    if (refined) results.coarseToFine.push(compareCoarseToFine(at, roi, refined));
    sanityOf ??= { predicted: full.predicted, roi: roi.roi };
  }
  if (sanityOf) results.sanityUnits.push(...(await scoreSanityMaps(at, sanityOf.predicted, sanityOf.roi)));
  return results;
}
