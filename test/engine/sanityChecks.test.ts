import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { explainVolume, ExplainOptions } from '../../extension/src/engine/explain/explainVolume';
import { pearsonCorrelation } from '../../extension/src/engine/metrics/pearsonCorrelation';
import { spearmanCorrelation } from '../../extension/src/engine/metrics/spearmanCorrelation';
import { MethodId } from '../../extension/src/engine/methods/PerturbationMethod';
import { roiFromMask } from '../../extension/src/engine/roi/roiFromMask';
import { explainedVoxels } from '../../extension/src/engine/sanity/explainedVoxels';
import { inputIndependenceCheck } from '../../extension/src/engine/sanity/inputIndependenceCheck';
import { sanityChecks } from '../../extension/src/engine/sanity/sanityChecks';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';

const fast: { [M in MethodId]: ExplainOptions<M>['methodOptions'] } = {
  occlusion: { windowMm: 4, strideMm: 2 },
  rise: { masks: 500, gridSize: 16, keepProbability: 0.5 },
  lime: { samples: 300, features: 'grid', featureSizeMm: 4 },
};

const optionsFor = (method: MethodId, extra: Partial<ExplainOptions> = {}): ExplainOptions => ({
  classIndex: 1,
  method,
  methodOptions: fast[method],
  scope: 'slice',
  slice: 0,
  fill: 0,
  seed: 7,
  ...extra,
});

describe('rank and linear correlation', () => {
  it('Spearman ranks ties by their mean rank; Pearson is linear', () => {
    expect(spearmanCorrelation([1, 2, 3, 4], [1, 8, 27, 64])).toBe(1);
    expect(pearsonCorrelation([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(104 / Math.sqrt(5 * 2390), 12);
    // Ranks [1.5, 1.5, 3, 4] and [1.5, 1.5, 4, 3]: r = 3.5 / 4.5.
    expect(spearmanCorrelation([0, 0, 1, 2], [0, 0, 2, 1])).toBeCloseTo(7 / 9, 12);
    // Voxels 1–3 only: ranks [1, 2.5, 2.5] and [1, 2, 3]: r = 1.5 / √3.
    expect(spearmanCorrelation([5, 1, 9, 9], [1, 2, 3, 4], (v) => v > 0)).toBeCloseTo(Math.sqrt(3) / 2, 12);
    expect(spearmanCorrelation([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => pearsonCorrelation([1], [1, 2])).toThrow(/differ in size/);
  });
});

describe('sanity checks on the planted models', () => {
  let planted: LoadedModel;
  let independent: LoadedModel;
  beforeAll(async () => {
    planted = await loadModelFile(fixture('planted2d.manifest.json'));
    independent = await loadModelFile(fixture('independent2d.manifest.json'));
  });
  afterAll(() => Promise.all([planted.dispose(), independent.dispose()]));

  it.each(['occlusion', 'rise', 'lime'] as MethodId[])(
    '%s: the model with its input cut off gets a map of 0 (LIME: to the rounding of its fit)',
    async (method) => {
      const volume = plantedSlice();
      const options = optionsFor(method, { roi: roiFromMask(plantedMask(), [64, 64, 1], [4, 4, 0]) });
      const original = await explainVolume(volume, planted.segmenter, options);
      const report = await sanityChecks(volume, planted.segmenter, options, original, { repeats: 1 });
      const { maxAbsSaliency } = report.inputIndependence.figures;
      if (method === 'lime') expect(maxAbsSaliency).toBeLessThan(1e-20);
      else expect(maxAbsSaliency).toBe(0);
      expect(report.inputIndependence.status).toBe('pass');
      // Input independence costs the unperturbed pass (its perturbations change no input); a seeded
      // method's one repeat costs what the original did.
      expect(report.passes).toBe(1 + (method === 'occlusion' ? 0 : original.passes));
      // The ROI's box (S dilated by 4: 24 × 24) on the one explained slice.
      expect(report.voxelCount).toBe(24 * 24);
      expect(report.parameterRandomisation).toBeUndefined();
    },
  );

  it('input independence fails for a map the input did not cause', async () => {
    const volume = plantedSlice();
    const original = await explainVolume(volume, planted.segmenter, optionsFor('occlusion'));
    // 0.25 everywhere: far above rounding of the organ score (≈ 4096, the organ predicted everywhere).
    const madeUp = {
      ...original,
      saliency: { ...original.saliency, data: original.saliency.data.map(() => 0.25) },
    };
    const check = await inputIndependenceCheck(async () => madeUp, planted.segmenter);
    expect(check.status).toBe('fail');
    expect(check.figures.maxAbsSaliency).toBe(0.25);
  });

  it('repeat stability: RISE and LIME with enough samples are stable across seeds, RISE with 4 masks warns; occlusion is deterministic', async () => {
    const volume = plantedSlice();
    const stabilityOf = async (method: MethodId, methodOptions: object) => {
      const options = optionsFor(method, { methodOptions });
      const original = await explainVolume(volume, planted.segmenter, options);
      return (await sanityChecks(volume, planted.segmenter, options, original)).repeatStability;
    };
    const many = await stabilityOf('rise', fast.rise!);
    expect(many.figures.seeds).toEqual([7, 8, 9]);
    expect(many.figures.meanPearson!).toBeGreaterThanOrEqual(0.8);
    expect(many.status).toBe('pass');
    const few = await stabilityOf('rise', { ...fast.rise, masks: 4 });
    expect(few.figures.meanPearson!).toBeLessThan(0.8);
    expect(few.status).toBe('warn');
    const lime = await stabilityOf('lime', fast.lime!);
    expect(lime.figures.meanPearson!).toBeGreaterThanOrEqual(0.8);
    const occlusion = await stabilityOf('occlusion', fast.occlusion!);
    expect(occlusion.status).toBe('not applicable');
    const options = optionsFor('rise');
    const original = await explainVolume(volume, planted.segmenter, options);
    const none = await sanityChecks(volume, planted.segmenter, options, original, { repeats: 0 });
    expect(none.repeatStability).toMatchObject({
      status: 'not applicable',
      summary: 'No repeat was asked for.',
    });
    expect(none.passes).toBe(1);
  });

  it('checks nothing where the model predicts no organ', async () => {
    const dark = createVolume(new Float32Array(64 * 64), [64, 64, 1], { spacing: [1, 1, 1] });
    const options = optionsFor('rise');
    const original = await explainVolume(dark, planted.segmenter, options);
    const report = await sanityChecks(dark, planted.segmenter, options, original);
    expect(report.inputIndependence.status).toBe('not applicable');
    expect(report.repeatStability.status).toBe('not applicable');
    expect(report.passes).toBe(0);
  });

  it('correlates over the ROI on the explained slices only', () => {
    const volume = createVolume(new Float32Array(64 * 64 * 3), [64, 64, 3], { spacing: [1, 1, 1] });
    const box = { min: [2, 3, 0], max: [6, 5, 1] } as const;
    const voxels = explainedVoxels(
      {
        explainedSlices: [1],
        images: [{ slice: 1, roi: { min: [...box.min], max: [...box.max] } }],
      },
      volume.dimensions,
    );
    expect(voxels.reduce((sum, m) => sum + m, 0)).toBe(8);
    expect(voxels[64 * 64 + 3 * 64 + 2]).toBe(1);
    expect(voxels[3 * 64 + 2]).toBe(0);
  });
});
