import { explainVolume } from '../../../extension/src/engine/explain/explainVolume';
import { METHODS } from '../../../extension/src/engine/methods';
import { outsideRoiSegments } from '../../../extension/src/engine/methods/outsideRoiSegments';
import { outsideRoiTiles } from '../../../extension/src/engine/methods/outsideRoiTiles';
import { MethodId, PerturbationContext } from '../../../extension/src/engine/methods/PerturbationMethod';
import { overlap } from '../../../extension/src/engine/metrics/overlap';
import { roiFromMask } from '../../../extension/src/engine/roi/roiFromMask';
import { binarize } from '../../../extension/src/engine/util/binarize';
import { boundingBoxOf } from '../../../extension/src/engine/volume/Box';
import { loadModelFile } from '../../../cli/src/io/loadModelFile';
import { fixture, plantedMask, plantedSlice } from '../../helpers/plantedImage';

/**
 * A mask-shaped ROI on the 64×64 planted slice: S (rows 16–31, columns 24–39) grown by a 4 px
 * disc, whose box corners lie outside it.
 */
const roiOfS = () => roiFromMask(plantedMask(), [64, 64, 1], [4, 4, 0], { shape: 'mask' });

const options = {
  occlusion: { windowMm: 4, strideMm: 2, outsideTileFactor: 0 },
  rise: { masks: 1500, gridSize: 16, keepProbability: 0.5 },
  lime: { samples: 400, features: 'grid' as const, featureSizeMm: 4 },
};

describe('mask-shaped ROI', () => {
  const roi = roiOfS();
  const mask = roi.mask!;
  const box = roi.sliceBoxes![0]!;

  it('is the region grown by a disc: its box corners lie outside it', () => {
    expect(box).toEqual({ min: [20, 12, 0], max: [44, 36, 1] });
    expect(mask[20 + 64 * 12]).toBe(0); // corner of the box
    expect(mask[20 + 64 * 24]).toBe(1); // 4 px left of S, level with it
    expect(mask[24 + 64 * 12]).toBe(1); // 4 px above S's corner column
    // A disc, not a square: S's corner grown diagonally stops at √(r² / 2) ≈ 2.8 px.
    expect(mask[22 + 64 * 14]).toBe(1);
    expect(mask[21 + 64 * 13]).toBe(0);
  });

  it.each(['occlusion', 'rise', 'lime'] as MethodId[])(
    '%s perturbs and scores only the region (RISE and LIME leave the box corners as they are)',
    (method) => {
      const image = plantedSlice();
      const context: PerturbationContext = {
        image,
        roi: box,
        roiMask: mask,
        substrate: new Float32Array(64 * 64),
        seed: 3,
      };
      const plan = METHODS[method].plan(context, {
        ...METHODS[method].defaults,
        ...options[method],
      } as never);
      const out = new Float32Array(64 * 64);
      const changed = new Uint8Array(64 * 64);
      for (let index = 0; index < plan.count; index++) {
        plan.write(index, out);
        for (let v = 0; v < out.length; v++) if (out[v] !== image.data[v]) changed[v] = 1;
        plan.receive(index, index % 7);
      }
      const saliency = plan.finish(3);
      saliency.forEach((value, v) => {
        if (!mask[v]) expect(value).toBe(0);
      });
      // Occlusion's windows are squares that reach past the region; RISE and LIME stay inside it.
      if (method !== 'occlusion') changed.forEach((c, v) => c && expect(mask[v]).toBe(1));
    },
  );

  it('occlusion runs only the windows that hold a region voxel', () => {
    const context = { image: plantedSlice(), roi: box, substrate: new Float32Array(64 * 64), seed: 0 };
    const boxPlan = METHODS.occlusion.plan(context, options.occlusion);
    const maskPlan = METHODS.occlusion.plan({ ...context, roiMask: mask }, options.occlusion);
    // Box [20, 44) × [12, 36): starts 18…42 and 10…34, 13 per axis. The region drops corner windows.
    expect(boxPlan.count).toBe(13 * 13);
    expect(maskPlan.count).toBeLessThan(boxPlan.count);
    expect(maskPlan.count).toBeGreaterThan(13 * 13 - 4 * 6);
  });

  it.each([
    ['superpixels', () => outsideRoiSegments(plantedSlice(), box, 9, mask)],
    ['grid squares', () => outsideRoiTiles([64, 64, 1], [16, 16, 1], box, mask)],
  ])('the outside tiles (%s) cover every voxel outside the region once, box corners included', (_, tiles) => {
    const hits = new Uint8Array(64 * 64);
    for (const tile of tiles()) for (const v of tile.voxels) hits[v]++;
    hits.forEach((count, v) => expect(count).toBe(mask[v] ? 0 : 1));
  });

  describe('on the planted-dependency model', () => {
    it.each(['occlusion', 'rise', 'lime'] as MethodId[])(
      '%s: Otsu-thresholded saliency has IoU ≥ 0.8 with S, and the ROI share is the region',
      async (method) => {
        const planted = await loadModelFile(fixture('planted2d.manifest.json'));
        const result = await explainVolume(plantedSlice(), planted.segmenter, {
          classIndex: 1,
          method,
          methodOptions: options[method],
          roi: roiOfS(),
          scope: 'slice',
          slice: 0,
          fill: 0,
          seed: 7,
          measureOutsideRoi: true,
        });
        const { iou } = overlap(binarize(result.saliency.data, { kind: 'otsu' }), plantedMask());
        expect(iou).toBeGreaterThanOrEqual(0.8);
        const regionVoxels = mask.reduce((sum, m) => sum + m, 0);
        expect(result.images[0].roiVoxels).toBe(regionVoxels);
        // S lies inside the region, so keeping only the region keeps the score.
        expect(result.images[0].outsideRoiScore).toBeCloseTo(result.images[0].baselineScore, 3);
      },
    );
  });
});

describe('roiFromMask with shape "mask" across slices', () => {
  it('gives slice k the mask on slices k ± context, and boxes that bound each region', () => {
    // A 3×3 block on slice 1 and a 2×2 block on slice 3 of a 12×12×5 grid.
    const mask = new Uint8Array(12 * 12 * 5);
    for (let j = 2; j < 5; j++) for (let i = 2; i < 5; i++) mask[144 + 12 * j + i] = 1;
    for (let j = 8; j < 10; j++) for (let i = 8; i < 10; i++) mask[3 * 144 + 12 * j + i] = 1;
    const roi = roiFromMask(mask, [12, 12, 5], [0, 0, 0], { shape: 'mask', contextSlices: 1 });
    const plane = (k: number) => roi.mask!.subarray(144 * k, 144 * (k + 1));
    const count = (k: number) => plane(k).reduce((sum, m) => sum + m, 0);
    expect([0, 1, 2, 3, 4].map(count)).toEqual([9, 9, 9 + 4, 4, 4]);
    // Slice 2 sees both blocks: two components, not the box spanning them.
    expect(roi.sliceBoxes![2]).toEqual({ min: [2, 2, 2], max: [10, 10, 3] });
    expect(plane(2)[12 * 6 + 6]).toBe(0);
    expect(roi.box).toEqual(boundingBoxOf(roi.mask!, [12, 12, 5]));
  });
});
