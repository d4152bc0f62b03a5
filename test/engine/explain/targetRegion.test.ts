import { explainVolume, ExplainOptions } from '../../../extension/src/engine/explain/explainVolume';
import { MethodId } from '../../../extension/src/engine/methods/PerturbationMethod';
import { roiFromMask } from '../../../extension/src/engine/roi/roiFromMask';
import { Predictor, SegmentationModel } from '../../../extension/src/engine/model/SegmentationModel';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';

/** Island A: columns 8–15, rows 8–15; island B: columns 36–51, rows 40–51 (64 × 64, 1 mm). */
const inA = (i: number, j: number) => i >= 8 && i < 16 && j >= 8 && j < 16;
const inB = (i: number, j: number) => i >= 36 && i < 52 && j >= 40 && j < 52;
const maskOf = (inside: (i: number, j: number) => boolean) =>
  Uint8Array.from({ length: 64 * 64 }, (_, v) => (inside(v % 64, Math.floor(v / 64)) ? 1 : 0));

/** Both islands bright (1) on a dim background (0.2). */
function islandsSlice(): Volume<Float32Array> {
  const data = Float32Array.from({ length: 64 * 64 }, (_, v) => {
    const [i, j] = [v % 64, Math.floor(v / 64)];
    return inA(i, j) || inB(i, j) ? 1 : 0.2;
  });
  return createVolume(data, [64, 64, 1], { spacing: [1, 1, 1] });
}

/** A 2-D model whose organ probability at a pixel depends on that pixel only: the bright pixels. */
function localBrightModel(): SegmentationModel {
  return {
    classNames: ['background', 'organ'],
    dimensionality: 2,
    bind: async (reference: Volume): Promise<Predictor> => {
      const size = reference.data.length;
      return {
        classNames: ['background', 'organ'],
        outputSize: size,
        predict: async (images, count) => {
          const out = new Float32Array(count * 2 * size);
          for (let n = 0; n < count; n++) {
            for (let v = 0; v < size; v++) {
              const organ = 1 / (1 + Math.exp(-12 * (images[n * size + v] - 0.6)));
              out[n * 2 * size + v] = 1 - organ;
              out[n * 2 * size + size + v] = organ;
            }
          }
          return out;
        },
        toImageGrid: (probabilities) => probabilities,
      };
    },
  };
}

const fast: { [M in MethodId]: ExplainOptions<M>['methodOptions'] } = {
  occlusion: { windowMm: 4, strideMm: 2 },
  rise: { masks: 1500, gridSize: 16, keepProbability: 0.5 },
  lime: { samples: 400, features: 'grid', featureSizeMm: 4 },
};

/** The ROI an explanation of the organ uses: both islands, grown by 4 pixels (mask-shaped). */
const organRoi = () =>
  roiFromMask(
    maskOf((i, j) => inA(i, j) || inB(i, j)),
    [64, 64, 1],
    [4, 4, 0],
    { shape: 'mask' },
  );

const explain = (method: MethodId, extra: Partial<ExplainOptions> = {}) =>
  explainVolume(islandsSlice(), localBrightModel(), {
    classIndex: 1,
    method,
    methodOptions: fast[method],
    roi: organRoi(),
    scope: 'slice',
    slice: 0,
    fill: 0,
    seed: 3,
    ...extra,
  });

/** Share of Σ|saliency| on the pixels of `mask`. */
function massShare(saliency: Float32Array, mask: Uint8Array): number {
  let inside = 0;
  let total = 0;
  saliency.forEach((s, v) => {
    total += Math.abs(s);
    if (mask[v]) inside += Math.abs(s);
  });
  return inside / total;
}

/** `mask` grown by `r` pixels (a square), for the windows and tiles that straddle an island's edge. */
function grown(mask: Uint8Array, r: number): Uint8Array {
  return Uint8Array.from(mask, (_, v) => {
    const [i, j] = [v % 64, Math.floor(v / 64)];
    for (let dj = -r; dj <= r; dj++)
      for (let di = -r; di <= r; di++) {
        const [x, y] = [i + di, j + dj];
        if (x >= 0 && x < 64 && y >= 0 && y < 64 && mask[x + 64 * y]) return 1;
      }
    return 0;
  });
}

describe('explaining a target region instead of the predicted organ', () => {
  describe.each(['occlusion', 'rise', 'lime'] as MethodId[])('%s', (method) => {
    it('puts the saliency mass on the explained island, next to nothing on the other', async () => {
      const result = await explain(method, { targetRegion: maskOf(inA) });
      // RISE's upsampled cells blur its map over a few pixels around the island, and its
      // Monte-Carlo noise spreads over the whole ROI.
      const share = method === 'rise' ? 0.8 : 0.9;
      expect(massShare(result.saliency.data, grown(maskOf(inA), 3))).toBeGreaterThanOrEqual(share);
      expect(massShare(result.saliency.data, maskOf(inB))).toBeLessThan(0.1);
      expect(result.targetRegionVoxels).toBe(64);
      expect(result.images[0].targetVoxels).toBe(64);
      // The organ mask stays the model's prediction: both islands.
      expect(result.organMask.data.reduce((sum, m) => sum + m, 0)).toBe(64 + 16 * 12);
      expect(result.images[0].organVoxels).toBe(64 + 16 * 12);
    });

    it('explaining the whole organ spreads the mass over both islands', async () => {
      const result = await explain(method);
      // A holds 64 of the organ's 256 pixels, B 192.
      expect(massShare(result.saliency.data, grown(maskOf(inA), 3))).toBeGreaterThan(0.15);
      expect(massShare(result.saliency.data, grown(maskOf(inB), 3))).toBeGreaterThan(0.5);
      expect(result.targetRegionVoxels).toBeUndefined();
    });
  });

  it("scores the organ's probability over the region, however little of it the model predicts there", async () => {
    // A region half on island A, half on the background: the target sums p(organ) over all of it.
    const half = maskOf((i, j) => i >= 12 && i < 20 && j >= 8 && j < 16);
    const result = await explain('occlusion', { targetRegion: half });
    const organ = (x: number) => 1 / (1 + Math.exp(-12 * (x - 0.6)));
    expect(result.images[0].baselineScore).toBeCloseTo(32 * organ(1) + 32 * organ(0.2), 4);
  });

  it('an empty region explains nothing: map 0, one pass, a note', async () => {
    const result = await explain('occlusion', { targetRegion: new Uint8Array(64 * 64) });
    expect(result.passes).toBe(1);
    expect(result.saliency.data.every((s) => s === 0)).toBe(true);
    expect(result.notes).toContain('Slice 0: the target region has no voxel here; saliency is 0.');
  });

  it('refuses a region that is not on the volume grid', async () => {
    await expect(explain('occlusion', { targetRegion: new Uint8Array(10) })).rejects.toThrow(
      'The target region has 10 voxels but the volume 4096 (64×64×1): give it on the volume grid.',
    );
  });
});
