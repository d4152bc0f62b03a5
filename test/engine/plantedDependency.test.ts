import { ExplanationCancelledError } from '../../extension/src/engine/evaluate/ProgressTracker';
import { explainVolume, ExplainOptions } from '../../extension/src/engine/explain/explainVolume';
import { outsideRoiDrop } from '../../extension/src/engine/explain/outsideRoiDrop';
import { overlap } from '../../extension/src/engine/metrics/overlap';
import { outsideRoiSegments } from '../../extension/src/engine/methods/outsideRoiSegments';
import { MethodId } from '../../extension/src/engine/methods/PerturbationMethod';
import { Roi } from '../../extension/src/engine/roi/Roi';
import { roiFromMask } from '../../extension/src/engine/roi/roiFromMask';
import { binarize } from '../../extension/src/engine/util/binarize';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';

const fast: { [M in MethodId]: ExplainOptions<M>['methodOptions'] } = {
  occlusion: { windowMm: 4, strideMm: 2 },
  rise: { masks: 1500, gridSize: 16, keepProbability: 0.5 },
  lime: { samples: 400, features: 'grid', featureSizeMm: 4 },
};

/** Occlusion with the outside in grid squares of 4 × 4 windows (16 px) instead of superpixels. */
const gridTiles = { ...fast.occlusion, outsideTiles: 'grid' as const, outsideTileFactor: 4 };

/** The ROI of S dilated by 4 voxels in-plane: box [20, 44) × [12, 36). */
const roiOfS = (): Roi => roiFromMask(plantedMask(), [64, 64, 1], [4, 4, 0]);

describe('planted-dependency model: saliency lands on the planted region S', () => {
  let planted: LoadedModel;
  let independent: LoadedModel;
  beforeAll(async () => {
    planted = await loadModelFile(fixture('planted2d.manifest.json'));
    independent = await loadModelFile(fixture('independent2d.manifest.json'));
  });

  const explain = (model: LoadedModel, method: MethodId, roi?: Roi, extra: Partial<ExplainOptions> = {}) =>
    explainVolume(plantedSlice(), model.segmenter, {
      classIndex: 1,
      method,
      methodOptions: fast[method],
      roi,
      scope: 'slice',
      slice: 0,
      fill: 0,
      seed: 7,
      ...extra,
    });

  describe.each(['occlusion', 'rise', 'lime'] as MethodId[])('%s', (method) => {
    it.each([
      ['full image', undefined],
      ['ROI-restricted', roiOfS()],
    ])('%s: Otsu-thresholded saliency has IoU ≥ 0.8 with S', async (_, roi) => {
      const result = await explain(planted, method, roi);
      const { iou } = overlap(binarize(result.saliency.data, { kind: 'otsu' }), plantedMask());
      expect(iou).toBeGreaterThanOrEqual(0.8);
    });

    it('is zero outside the ROI, where the planted model looks at nothing', async () => {
      const roi = roiOfS();
      const { saliency } = await explain(planted, method, roi);
      const box = roi.sliceBoxes![0]!;
      saliency.data.forEach((value, v) => {
        const [i, j] = [v % 64, Math.floor(v / 64)];
        const inside = i >= box.min[0] && i < box.max[0] && j >= box.min[1] && j < box.max[1];
        if (!inside) expect(value).toBe(0);
      });
    });

    it('gives zero saliency for a model that ignores its input', async () => {
      const { saliency } = await explain(independent, method);
      expect(Math.max(...saliency.data.map(Math.abs))).toBeLessThan(1e-6);
    });
  });

  it('occlusion spends exactly 1 + (window positions) passes, full and ROI, + the outside tiles', async () => {
    // 64 px, window 4, stride 2: ⌈(64 − 4) / 2⌉ + 1 = 31 positions per axis.
    const full = await explain(planted, 'occlusion');
    expect(full.passes).toBe(1 + 31 * 31);
    // Starts s with [s, s + 4) overlapping [20, 44): s = 18…42 → 13; rows [12, 36): s = 10…34 → 13.
    const paper = await explain(planted, 'occlusion', roiOfS(), {
      methodOptions: { ...fast.occlusion, outsideTileFactor: 0 },
    });
    expect(paper.passes).toBe(1 + 13 * 13);
    expect(paper.calls).toBe(1 + Math.ceil(169 / 8));
    // Grid tiles of 4 × 4 windows = 16 px, a 4 × 4 grid; the ROI holds none of them whole.
    const tiled = await explain(planted, 'occlusion', roiOfS(), { methodOptions: gridTiles });
    expect(tiled.passes).toBe(1 + 13 * 13 + 16);
    // Default: one pass per superpixel of 2.25 × 4 mm outside the ROI.
    const segmented = await explain(planted, 'occlusion', roiOfS());
    const superpixels = outsideRoiSegments(plantedSlice(), roiOfS().sliceBoxes![0]!, 9).length;
    expect(superpixels).toBeGreaterThan(16);
    expect(segmented.passes).toBe(1 + 13 * 13 + superpixels);
  });

  it('ranks the outside of the ROI by tiles: S outside a corner ROI lights up the tiles over S', async () => {
    const corner = Uint8Array.from({ length: 64 * 64 }, (_, v) => (v % 64 < 8 && v < 64 * 8 ? 1 : 0));
    const roi = roiFromMask(corner, [64, 64, 1], [0, 0, 0]);
    const { saliency } = await explain(planted, 'occlusion', roi, { methodOptions: gridTiles });
    const tileOf = (v: number) => `${Math.floor((v % 64) / 16)},${Math.floor(v / 64 / 16)}`;
    const overS = new Set(['1,1', '2,1']); // S: columns 24–39, rows 16–31
    const peak = Math.max(...saliency.data);
    expect(peak).toBeGreaterThan(0);
    saliency.data.forEach((value, v) => {
      const outside = v % 64 >= 8 || v >= 64 * 8;
      if (!outside) return;
      if (overS.has(tileOf(v))) expect(value).toBeGreaterThan(0.1 * peak);
      else expect(Math.abs(value)).toBeLessThan(0.01 * peak);
    });
    const blank = await explain(planted, 'occlusion', roi, {
      methodOptions: { ...fast.occlusion, outsideTileFactor: 0 },
    });
    blank.saliency.data.forEach((value, v) => {
      if (v % 64 >= 8 || v >= 64 * 8) expect(value).toBe(0);
    });
  });

  it('by default (superpixel tiles), S outside a corner ROI lights up S itself, not the squares around it', async () => {
    const corner = Uint8Array.from({ length: 64 * 64 }, (_, v) => (v % 64 < 8 && v < 64 * 8 ? 1 : 0));
    const roi = roiFromMask(corner, [64, 64, 1], [0, 0, 0]);
    const result = await explain(planted, 'occlusion', roi);
    const { saliency } = result;
    const peak = Math.max(...saliency.data);
    const lit = plantedMask().map((_, v) => (saliency.data[v] > 0.1 * peak ? 1 : 0));
    const { dice } = overlap(lit, plantedMask());
    expect(dice).toBeGreaterThanOrEqual(0.9);
    // The grid's 16 px squares over S are half texture (columns 16–23 and 40–47): Dice 2/3.
    const squares = await explain(planted, 'occlusion', roi, { methodOptions: gridTiles });
    const squaresPeak = Math.max(...squares.saliency.data);
    const litSquares = plantedMask().map((_, v) => (squares.saliency.data[v] > 0.1 * squaresPeak ? 1 : 0));
    expect(overlap(litSquares, plantedMask()).dice).toBeLessThan(0.7);
  });

  it('ROI-restricted occlusion equals full-image occlusion inside the ROI', async () => {
    const roi = roiOfS();
    const full = await explain(planted, 'occlusion');
    const restricted = await explain(planted, 'occlusion', roi, { methodOptions: gridTiles });
    const box = roi.sliceBoxes![0]!;
    let compared = 0;
    for (let j = box.min[1]; j < box.max[1]; j++) {
      for (let i = box.min[0]; i < box.max[0]; i++) {
        expect(restricted.saliency.data[i + 64 * j]).toBeCloseTo(full.saliency.data[i + 64 * j], 5);
        compared++;
      }
    }
    expect(compared).toBe(24 * 24);
    const tiles = 16;
    expect(full.passes - 1).toBeCloseTo(((restricted.passes - 1 - tiles) * 31 * 31) / (13 * 13), 6);
  });

  it.each(['rise', 'lime'] as MethodId[])(
    '%s is reproducible with a seed and independent of the batch size',
    async (method) => {
      const a = await explain(planted, method, roiOfS(), { batchSize: 8 });
      const b = await explain(planted, method, roiOfS(), { batchSize: 8 });
      const c = await explain(planted, method, roiOfS(), { batchSize: 3 });
      expect(Array.from(b.saliency.data)).toEqual(Array.from(a.saliency.data));
      c.saliency.data.forEach((value, v) => expect(value).toBeCloseTo(a.saliency.data[v], 4));
      const other = await explain(planted, method, roiOfS(), { seed: 8 });
      expect(Array.from(other.saliency.data)).not.toEqual(Array.from(a.saliency.data));
    },
  );

  it('measures what the ROI leaves out with one more pass: nothing when S is inside, most of it when S is not', async () => {
    const inside = await explain(planted, 'occlusion', roiOfS(), {
      measureOutsideRoi: true,
      methodOptions: gridTiles,
    });
    expect(inside.passes).toBe(1 + 13 * 13 + 16 + 1);
    const [image] = inside.images;
    expect(image.outsideRoiScore! / image.baselineScore).toBeCloseTo(1, 2);
    expect(outsideRoiDrop(inside.images)).toBeCloseTo(0, 2);

    // An ROI in the corner, away from S: replacing its outside removes S, and the organ with it.
    const corner = Uint8Array.from({ length: 64 * 64 }, (_, v) => (v % 64 < 8 && v < 64 * 8 ? 1 : 0));
    const missed = await explain(planted, 'occlusion', roiFromMask(corner, [64, 64, 1], [0, 0, 0]), {
      measureOutsideRoi: true,
    });
    expect(outsideRoiDrop(missed.images)).toBeGreaterThan(0.5);

    // Nothing to measure without an ROI, or when not asked.
    const whole = await explain(planted, 'occlusion', undefined, { measureOutsideRoi: true });
    expect(whole.images[0].outsideRoiScore).toBeUndefined();
    expect(outsideRoiDrop(whole.images)).toBeUndefined();
    expect((await explain(planted, 'occlusion', roiOfS())).images[0].outsideRoiScore).toBeUndefined();
  });

  it('reports progress up to the planned total and can be cancelled between batches', async () => {
    const seen: number[] = [];
    const result = await explain(planted, 'occlusion', roiOfS(), { onProgress: (p) => seen.push(p.done) });
    expect(seen[seen.length - 1]).toBe(result.passes);
    const controller = new AbortController();
    const run = explain(planted, 'occlusion', undefined, {
      signal: controller.signal,
      onProgress: (p) => p.done > 20 && controller.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(ExplanationCancelledError);
  });
});
