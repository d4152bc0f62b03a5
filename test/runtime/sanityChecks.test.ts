import * as path from 'path';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { ExplanationCancelledError, Progress } from '../../extension/src/engine/evaluate/ProgressTracker';
import { explainVolume } from '../../extension/src/engine/explain/explainVolume';
import { spearmanCorrelation } from '../../extension/src/engine/metrics/spearmanCorrelation';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { explainOptionsOf } from '../../extension/src/runtime/explainOptionsOf';
import { parameterLayers } from '../../extension/src/runtime/onnx/parameterLayers';
import { randomiseLayers } from '../../extension/src/runtime/onnx/randomiseLayers';
import { ExplainRequest, runExplanation } from '../../extension/src/runtime/runExplanation';
import { runSanityChecks } from '../../extension/src/runtime/runSanityChecks';
import { readNifti } from '../../cli/src/io/readNifti';
import { dataRoot } from '../helpers/dataRoot';
import { fixture, inS, plantedSlice } from '../helpers/plantedImage';

/**
 * The sanity checks on dense2d.onnx, two dense layers whose first reads only the planted region S:
 * the occlusion map lies on S; randomising the top layer keeps it there, randomising both spreads
 * it and its rank correlation with the original falls below 0.3, while the untouched model,
 * reloaded the same way, gives the same map (r = 1).
 */
const occlusion: ExplainRequest = {
  organ: 'organ',
  method: 'occlusion',
  roi: 'none',
  scope: 'slice',
  slice: 0,
  windowMm: 4,
  strideMm: 2,
};

/** Whether voxel v lies within 3 pixels of S: a 4-pixel occlusion window over S reaches that far. */
const nearS = (v: number) => {
  const [i, j] = [v % 64, Math.floor(v / 64)];
  return [-3, 0, 3].some((di) => [-3, 0, 3].some((dj) => inS(i + di, j + dj)));
};

describe('sanity checks on the dense planted model', () => {
  let dense: LoadedModel;
  beforeAll(async () => {
    dense = await loadModelFile(fixture('dense2d.manifest.json'));
  });
  afterAll(() => dense.dispose());

  it('stops when cancelled, with the explanation’s cancel error', async () => {
    const volume = plantedSlice();
    const explanation = await runExplanation(dense, volume, occlusion);
    const controller = new AbortController();
    const run = runSanityChecks(dense, volume, explanation, {
      signal: controller.signal,
      onProgress: (p) => p.done > 100 && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(ExplanationCancelledError);
  });

  it('randomising the layers from the top drops the rank correlation below 0.3; the untouched copy gives r = 1', async () => {
    const volume = plantedSlice();
    const explanation = await runExplanation(dense, volume, occlusion);
    const original = explanation.result.saliency.data;
    expect(original.every((s, v) => nearS(v) || s === 0)).toBe(true);
    const progress: Progress[] = [];
    const report = await runSanityChecks(
      dense,
      volume,
      explanation,
      { onProgress: (p) => progress.push(p) },
      { randomisationSteps: 4 },
    );
    const check = report.parameterRandomisation!;
    expect(check.figures.steps.map((step) => step.layers)).toEqual([['dense2'], ['dense1']]);
    expect(check.figures.steps[1].spearman!).toBeLessThan(0.3);
    expect(check.status).toBe('pass');
    expect(report.inputIndependence).toMatchObject({ status: 'pass', figures: { maxAbsSaliency: 0 } });
    expect(report.repeatStability.status).toBe('not applicable');
    expect(report.voxelCount).toBe(64 * 64);
    // One progress over the runs: input independence (1 pass, the rest skipped) and 2 steps of 1 + 31 × 31.
    expect(report.passes).toBe(1 + 2 * (1 + 31 * 31));
    expect(progress.at(-1)).toMatchObject({ done: 3 * (1 + 31 * 31), total: 3 * (1 + 31 * 31) });
    expect(progress.every((p, n) => n === 0 || p.done >= progress[n - 1].done)).toBe(true);

    // The same explanation of copies opened the same way: untouched, and with dense2 only randomised.
    const bytes = await dense.readSegmenter();
    const options = explainOptionsOf(explanation.request, 1, undefined, volume, 8);
    const mapOf = async (model: Uint8Array) => {
      const copy = await dense.openSegmenter(model, 'a copy');
      try {
        return (
          await explainVolume(volume, copy, { ...options, targetRegion: explanation.result.organMask.data })
        ).saliency.data;
      } finally {
        await copy.dispose();
      }
    };
    const untouched = await mapOf(bytes);
    expect(spearmanCorrelation(original, untouched)).toBe(1);
    expect(untouched).toEqual(original);
    const topOnly = await mapOf(
      randomiseLayers(bytes, parameterLayers(bytes).slice(1), explanation.request.seed),
    );
    expect(topOnly.some((s) => s !== 0)).toBe(true);
    expect(topOnly.every((s, v) => nearS(v) || s === 0)).toBe(true);
  });
});

it('says the randomisation is not applicable to a model without layers (planted2d: a region mask and constants)', async () => {
  const planted = await loadModelFile(fixture('planted2d.manifest.json'));
  try {
    const volume = plantedSlice();
    const explanation = await runExplanation(planted, volume, { ...occlusion, windowMm: 8, strideMm: 8 });
    const report = await runSanityChecks(planted, volume, explanation);
    expect(report.parameterRandomisation).toMatchObject({ status: 'not applicable', figures: { steps: [] } });
    expect(report.passes).toBe(1);
  } finally {
    await planted.dispose();
  }
});

describe('sanity checks on a shipped model (chaos-mr-t2-segformer, CHAOS MR subject 13)', () => {
  let mr: LoadedModel;
  beforeAll(async () => {
    mr = await loadModelFile(
      path.join(__dirname, '..', '..', 'models', 'chaos-mr-t2-segformer', 'manifest.json'),
    );
  });
  afterAll(() => mr.dispose());

  it('its randomised copies load and run: two steps over all its layers, every figure measured', async () => {
    const volume = await readNifti(path.join(dataRoot(), 'chaos-mr-t2', 'image_13.nii.gz'));
    // Slice 24: the liver large. Coarse occlusion over the liver's region: a few dozen passes a run.
    const explanation = await runExplanation(mr, volume, {
      organ: 'liver',
      method: 'occlusion',
      roi: 'mask',
      scope: 'slice',
      slice: 24,
      windowMm: 40,
      strideMm: 40,
      outsideTileFactor: 0,
    });
    expect(explanation.result.images[0].organVoxels).toBeGreaterThan(1000);
    const stages: string[] = [];
    const report = await runSanityChecks(
      mr,
      volume,
      explanation,
      { onStage: (s) => stages.push(s) },
      {
        randomisationSteps: 2,
      },
    );
    const steps = report.parameterRandomisation!.figures.steps;
    // 119 layers (Conv, MatMul, Add bias, LayerNormalization), the top 60 first.
    expect(steps.map((step) => step.layers.length)).toEqual([60, 59]);
    // Top down: from the classifier to the network's first layer, the patch embedding.
    expect(steps[0].layers[0]).toBe('/model/classifier/Conv');
    expect(steps[1].layers.at(-1)).toBe('/model/embeds.0/proj/Conv');
    for (const step of steps) expect(Number.isFinite(step.spearman)).toBe(true);
    expect(stages.filter((s) => /randomised/.test(s))).toHaveLength(2);
    expect(report.inputIndependence.status).toBe('pass');
  }, 120_000);
});
