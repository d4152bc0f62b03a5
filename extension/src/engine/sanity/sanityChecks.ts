import { ExplanationCancelledError, Progress } from '../evaluate/ProgressTracker';
import { explainVolume, ExplainOptions, ExplainResult } from '../explain/explainVolume';
import { getMethod } from '../methods';
import { SegmentationModel } from '../model/SegmentationModel';
import { Volume } from '../volume/Volume';
import { explainedVoxels } from './explainedVoxels';
import { inputIndependenceCheck } from './inputIndependenceCheck';
import { parameterRandomisationCheck, RandomisedModels } from './parameterRandomisationCheck';
import { repeatStabilityCheck } from './repeatStabilityCheck';
import { SanityExplain } from './SanityExplain';
import { SanityCheck, SanityReport } from './SanityReport';

/** Repeats of a seeded method with other seeds, by default. */
export const DEFAULT_SANITY_REPEATS = 2;

export interface SanityOptions {
  /** The model's randomised copies; absent: the randomisation check is not run. */
  randomised?: RandomisedModels;
  /** Other seeds for a seeded method's repeats (default DEFAULT_SANITY_REPEATS). */
  repeats?: number;
}

/**
 * The sanity checks of `original`, the explanation of `volume` by `model` with `options`: input
 * independence, repeat stability, and (with `sanity.randomised`) cascading parameter randomisation.
 * Each reruns the explanation with the same settings (`options.signal` cancels, `options.onProgress`
 * sees the passes of all runs; no partial maps, no outside-ROI pass).
 *
 * Cost: one explanation's passes per repeat (seeded methods) and per randomisation step, plus one
 * pass per explained image for input independence. Without an organ on the explained images
 * nothing is run.
 */
export async function sanityChecks(
  volume: Volume,
  model: SegmentationModel,
  options: ExplainOptions,
  original: ExplainResult,
  sanity: SanityOptions = {},
): Promise<SanityReport> {
  const started = Date.now();
  const keepMask = explainedVoxels(original, volume.dimensions);
  const keep = (v: number) => keepMask[v] === 1;
  const voxelCount = keepMask.reduce((sum, m) => sum + m, 0);
  const roiSaid = options.roi && options.roi.source !== 'none' ? 'the ROI’s voxels' : 'all voxels';
  const voxels = `${roiSaid} on the ${original.explainedSlices.length} explained slice(s) (${voxelCount} voxels)`;
  if (original.images.every((image) => image.targetVoxels === 0)) {
    const skipped = <F>(figures: F): SanityCheck<F> => ({
      status: 'not applicable',
      figures,
      summary: 'The model predicts no organ on the explained slices: there is no map to check.',
    });
    return {
      voxels,
      voxelCount,
      inputIndependence: skipped({ maxAbsSaliency: 0 }),
      repeatStability: skipped({ seeds: [], meanPearson: null, threshold: NaN }),
      passes: 0,
      wallMs: Date.now() - started,
    };
  }
  const method = getMethod(options.method);
  const repeats = method.seeded ? (sanity.repeats ?? DEFAULT_SANITY_REPEATS) : 0;
  const runs = 1 + repeats + (sanity.randomised?.steps.length ?? 0);
  const { explain, passes } = sanityRunner(volume, options, original, runs);
  const inputIndependence = await inputIndependenceCheck(explain, model);
  const repeatStability = await repeatStabilityCheck(
    explain,
    model,
    original,
    options.method,
    options.seed ?? 0,
    repeats,
    keep,
  );
  const parameterRandomisation =
    sanity.randomised &&
    (await parameterRandomisationCheck(
      explain,
      sanity.randomised,
      original,
      // The original's target: its region, or the organ the original model predicts.
      options.targetRegion ?? original.organMask.data,
      keep,
    ));
  return {
    voxels,
    voxelCount,
    ...(parameterRandomisation ? { parameterRandomisation } : {}),
    inputIndependence,
    repeatStability,
    passes: passes(),
    wallMs: Date.now() - started,
  };
}

/**
 * Reruns of the explanation with one progress over all `runs`: each run is reckoned at the
 * original's planned passes until its own plan is known.
 */
function sanityRunner(
  volume: Volume,
  options: ExplainOptions,
  original: ExplainResult,
  runs: number,
): { explain: SanityExplain; passes: () => number } {
  const perRun = original.passes + original.skippedPasses;
  const started = Date.now();
  let finishedDone = 0;
  let finishedRuns = 0;
  let passes = 0;
  const report = (progress: Pick<Progress, 'done' | 'total'>) => {
    const done = finishedDone + progress.done;
    const total = finishedDone + progress.total + (runs - finishedRuns - 1) * perRun;
    const elapsed = Date.now() - started;
    options.onProgress?.({ done, total, etaMs: done > 0 ? ((total - done) * elapsed) / done : null });
  };
  const explain: SanityExplain = async (model, changed = {}) => {
    if (options.signal?.aborted) throw new ExplanationCancelledError();
    const result = await explainVolume(volume, model, {
      ...options,
      ...changed,
      measureOutsideRoi: false,
      partials: undefined,
      onProgress: report,
    });
    finishedDone += result.passes + result.skippedPasses;
    finishedRuns += 1;
    passes += result.passes;
    return result;
  };
  return { explain, passes: () => passes };
}
