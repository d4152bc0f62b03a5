import { explainVolume, ExplainOptions } from '../../../extension/src/engine/explain/explainVolume';
import { MethodId } from '../../../extension/src/engine/methods/PerturbationMethod';
import { roiFromMask } from '../../../extension/src/engine/roi/roiFromMask';
import { LoadedModel } from '../../../extension/src/runtime/loadModel';
import { ExplainRequest, runExplanation } from '../../../extension/src/runtime/runExplanation';
import { loadModelFile } from '../../../cli/src/io/loadModelFile';
import { grown, inA, inB, islandsSlice, maskOf, massShare } from '../../helpers/islandsImage';
import { fixture } from '../../helpers/plantedImage';

/**
 * Fast settings, and each method's resolution: the pixels around an island its windows (4 mm),
 * upsampled cells (a 16-cell grid over a ~50-pixel ROI) or features (4 mm) share with the island.
 */
const settings: { [M in MethodId]: { options: ExplainOptions<M>['methodOptions']; reach: number } } = {
  occlusion: { options: { windowMm: 4, strideMm: 2 }, reach: 2 },
  rise: { options: { masks: 3000, gridSize: 16, keepProbability: 0.5 }, reach: 3 },
  lime: { options: { samples: 400, features: 'grid', featureSizeMm: 4 }, reach: 2 },
};
const methods: MethodId[] = ['occlusion', 'rise', 'lime'];
/** The evidence of each island's output (islands2d.onnx): the island's own pixels. */
const evidenceA = () => maskOf(inA);
const evidenceB = () => maskOf(inB);

describe('explaining one of two planted islands finds the evidence for that island only', () => {
  let islands: LoadedModel;
  beforeAll(async () => {
    islands = await loadModelFile(fixture('islands2d.manifest.json'));
  });

  describe('engine: explainVolume with the island as the target region', () => {
    // The ROI runExplanation builds with a mask ROI: the predicted organ (both islands), grown by 4 pixels.
    const organRoi = () =>
      roiFromMask(
        maskOf((i, j) => inA(i, j) || inB(i, j)),
        [64, 64, 1],
        [4, 4, 0],
        { shape: 'mask' },
      );
    const explain = (method: MethodId, targetRegion?: Uint8Array) =>
      explainVolume(islandsSlice(), islands.segmenter, {
        classIndex: 1,
        method,
        methodOptions: settings[method].options,
        roi: organRoi(),
        scope: 'slice',
        slice: 0,
        fill: 0,
        seed: 7,
        targetRegion,
      });

    it.each(methods)('%s: ≥ 90 %% of Σ|saliency| on E_A, under 5 %% on E_B', async (method) => {
      const { saliency } = await explain(method, maskOf(inA));
      const { reach } = settings[method];
      expect(massShare(saliency.data, grown(evidenceA(), reach))).toBeGreaterThanOrEqual(0.9);
      expect(massShare(saliency.data, evidenceB())).toBeLessThan(0.05);
    });

    it.each(methods)('%s: the whole organ spreads it over both islands', async (method) => {
      const { saliency } = await explain(method);
      const { reach } = settings[method];
      expect(massShare(saliency.data, grown(evidenceA(), reach))).toBeGreaterThan(0.3);
      expect(massShare(saliency.data, grown(evidenceB(), reach))).toBeGreaterThan(0.25);
    });
  });

  describe('runtime: runExplanation with a component or a voxel', () => {
    /** `settings` as request fields. */
    const requestOptions: { [M in MethodId]: Partial<ExplainRequest> } = {
      occlusion: { windowMm: 4, strideMm: 2, outsideTileFactor: 0 },
      rise: { samples: 3000, methodOptions: { gridSize: 16, keepProbability: 0.5 } },
      lime: { samples: 400, methodOptions: { features: 'grid', featureSizeMm: 4 } },
    };
    const request = (method: MethodId, extra: Partial<ExplainRequest>): ExplainRequest => ({
      organ: 'organ',
      method,
      roi: 'mask',
      marginMm: 4,
      scope: 'slice',
      slice: 0,
      fill: 0,
      seed: 7,
      batchSize: 16,
      ...requestOptions[method],
      ...extra,
    });

    it.each(methods)('%s of component 1 (island A): ≥ 90 %% on E_A', async (method) => {
      const explanation = await runExplanation(
        islands,
        islandsSlice(),
        request(method, { targetRegion: { component: 1 } }),
      );
      const { saliency } = explanation.result;
      expect(massShare(saliency.data, grown(evidenceA(), settings[method].reach))).toBeGreaterThanOrEqual(
        0.9,
      );
      expect(massShare(saliency.data, evidenceB())).toBeLessThan(0.05);
      expect(explanation.explainedTarget).toEqual({
        kind: 'component',
        index: 1,
        of: 2,
        voxels: 256,
        ml: 0.256,
      });
      expect(explanation.targetLabel).toBe('organ component 1 of 2 (0.26 mL)');
    });

    it('occlusion of the component holding a voxel of island B: on E_B only', async () => {
      const explanation = await runExplanation(
        islands,
        islandsSlice(),
        request('occlusion', { targetRegion: { voxel: [40, 45, 0] } }),
      );
      const { saliency } = explanation.result;
      expect(massShare(saliency.data, grown(evidenceB(), 2))).toBeGreaterThanOrEqual(0.9);
      expect(massShare(saliency.data, evidenceA())).toBeLessThan(0.05);
      expect(explanation.explainedTarget).toMatchObject({ kind: 'component', index: 2, of: 2, voxels: 192 });
    });
  });
});
