import { ProgressCallback } from '../engine/evaluate/ProgressTracker';
import { RandomisedModels } from '../engine/sanity/parameterRandomisationCheck';
import { sanityChecks } from '../engine/sanity/sanityChecks';
import { SanityReport } from '../engine/sanity/SanityReport';
import { Volume } from '../engine/volume/Volume';
import { explainOptionsOf } from './explainOptionsOf';
import { LoadedModel } from './loadModel';
import { cascadeSteps } from './onnx/cascadeSteps';
import { parameterLayers } from './onnx/parameterLayers';
import { randomiseLayers } from './onnx/randomiseLayers';
import { Explanation } from './runExplanation';

/** Steps of the cascading randomisation by default: the layers are grouped so the cost stays a few explanations. */
export const DEFAULT_RANDOMISATION_STEPS = 4;

export interface SanityHooks {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Each step in words, for progress displays. */
  onStage?: (stage: string) => void;
}

export interface SanitySettings {
  /** Steps of the cascading randomisation (default DEFAULT_RANDOMISATION_STEPS); 0 skips it. */
  randomisationSteps?: number;
  /** Repeats of RISE/LIME with other seeds (engine default). */
  repeats?: number;
}

/**
 * The sanity checks of a finished explanation of `volume` (engine sanityChecks) with its exact
 * settings and batch size: the segmenter's randomised copies are opened one at a time from its
 * file, as the model was loaded (same backend), and disposed after their run.
 */
export async function runSanityChecks(
  loaded: LoadedModel,
  volume: Volume,
  explanation: Explanation,
  hooks: SanityHooks = {},
  settings: SanitySettings = {},
): Promise<SanityReport> {
  const { request, classIndex, roi, targetRegion } = explanation;
  const options = {
    ...explainOptionsOf(request, classIndex, roi, volume, explanation.batch.batchSize),
    // A run that explained a region is checked on that region.
    targetRegion,
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  };
  const stepCount = settings.randomisationSteps ?? DEFAULT_RANDOMISATION_STEPS;
  const randomised =
    stepCount > 0 ? await randomisedModels(loaded, stepCount, request.seed, hooks) : undefined;
  hooks.onStage?.(`Sanity checks of ${explanation.className}`);
  return sanityChecks(volume, loaded.segmenter, options, explanation.result, {
    randomised,
    repeats: settings.repeats,
  });
}

/** The segmenter's layers in `stepCount` steps from the top, and a loader of each step's randomised copy. */
async function randomisedModels(
  loaded: LoadedModel,
  stepCount: number,
  seed: number,
  hooks: SanityHooks,
): Promise<RandomisedModels> {
  const file = loaded.manifest.segmenter.file;
  const bytes = await loaded.readSegmenter();
  const steps = cascadeSteps(parameterLayers(bytes), stepCount);
  return {
    steps: steps.map((step) => step.map((layer) => layer.name)),
    open: async (step) => {
      hooks.onStage?.(`Sanity checks: ${file} with ${step} of ${steps.length} layer groups randomised`);
      const model = await loaded.openSegmenter(
        randomiseLayers(bytes, steps.slice(0, step).flat(), seed),
        `the segmenter ${file} with randomised layers`,
      );
      return { model, release: () => model.dispose() };
    },
  };
}
