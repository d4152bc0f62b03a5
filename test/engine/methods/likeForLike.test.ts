import { lime } from '../../../extension/src/engine/methods/lime';
import { limeFeatures } from '../../../extension/src/engine/methods/limeFeatures';
import { occlusion } from '../../../extension/src/engine/methods/occlusion';
import {
  PerturbationContext,
  PerturbationPlan,
} from '../../../extension/src/engine/methods/PerturbationMethod';
import { rise } from '../../../extension/src/engine/methods/rise';
import { riseGrid } from '../../../extension/src/engine/methods/riseGrid';
import { surrogateHeldOutR2 } from '../../../extension/src/engine/methods/surrogateHeldOutR2';
import { createRandom } from '../../../extension/src/engine/util/random';
import { Box, boxContains, fullBox } from '../../../extension/src/engine/volume/Box';
import { Vec3, Volume } from '../../../extension/src/engine/volume/Volume';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';

/**
 * Full image vs ROI on equal terms (issue 22): what an ROI run changes besides where it perturbs.
 * Toy models score the perturbed image directly, so each figure follows from the method alone.
 */

const SIZE = 64;
const at = (i: number, j: number) => i + SIZE * j;

/** A 64×64 slice of `spacing` mm pixels: a textured background with brighter squares. */
function texturedSlice(spacing: Vec3 = [1, 1, 1]): Volume<Float32Array> {
  const data = new Float32Array(SIZE * SIZE);
  for (let j = 0; j < SIZE; j++) {
    for (let i = 0; i < SIZE; i++) {
      const square = (Math.floor(i / 13) + Math.floor(j / 11)) % 3 === 0 ? 0.5 : 0;
      data[at(i, j)] = 0.3 + square + 0.15 * Math.sin(i * 0.45) * Math.cos(j * 0.6);
    }
  }
  return createVolume(data, [SIZE, SIZE, 1], { spacing });
}

const square = (i0: number, j0: number, edge: number): Box => ({
  min: [i0, j0, 0],
  max: [i0 + edge, j0 + edge, 1],
});

/** The mean of `image` over `box`. */
function meanIn(image: Float32Array, box: Box): number {
  let sum = 0;
  let count = 0;
  for (let j = box.min[1]; j < box.max[1]; j++) {
    for (let i = box.min[0]; i < box.max[0]; i++, count++) sum += image[at(i, j)];
  }
  return sum / count;
}

/** Runs a plan against a toy model `score` (of the perturbed image) and returns its map. */
function runPlan(plan: PerturbationPlan, image: Volume<Float32Array>, score: (x: Float32Array) => number) {
  const out = new Float32Array(image.data.length);
  for (let index = 0; index < plan.count; index++) {
    plan.write(index, out);
    plan.receive(index, score(out));
  }
  return plan.finish(score(image.data));
}

const contextOf = (image: Volume<Float32Array>, roi: Box, seed = 5): PerturbationContext => ({
  image,
  roi,
  substrate: new Float32Array(image.data.length),
  seed,
});

describe('like-for-like full-image and ROI runs', () => {
  // The ROI box holds A and C; B lies outside it.
  const roi: Box = { min: [8, 8, 0], max: [40, 40, 1] };
  const A = square(10, 10, 12);
  const C = square(26, 26, 12);
  const B = square(46, 46, 12);

  it('(a) RISE: when the model reads the outside, ROI-RISE is not the full map cut to the ROI', () => {
    const image = texturedSlice();
    const [a0, b0, c0] = [A, B, C].map((box) => meanIn(image.data, box));
    // B intact: the organ score reads A; B removed: it reads C. The ROI run never removes B.
    const model = (x: Float32Array) => {
      const b = meanIn(x, B) / b0;
      return b * (meanIn(x, A) / a0) + (1 - b) * (meanIn(x, C) / c0);
    };
    const options = { ...rise.defaults, cellMm: 8, masksPerCell: 60 };
    const inRoi = runPlan(rise.plan(contextOf(image, roi), options), image, model);
    const full = runPlan(rise.plan(contextOf(image, fullBox(image.dimensions)), options), image, model);
    // ROI run: A carries the score, C nothing (B always there).
    expect(meanIn(inRoi, A)).toBeGreaterThan(0);
    expect(Math.abs(meanIn(inRoi, C))).toBeLessThan(0.2 * meanIn(inRoi, A));
    // Full run: B is off about half the time, so A and C share the score.
    const ratio = meanIn(full, A) / meanIn(full, C);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
    expect(meanIn(inRoi, B)).toBe(0);
  });

  it('(b) occlusion with the outside tiles off: the ROI map is the full map masked by the ROI, exactly', () => {
    const image = texturedSlice([0.8, 0.8, 1]);
    // Nonlinear in the image and reading the outside: only the shared windows make the maps equal.
    const model = (x: Float32Array) => meanIn(x, A) ** 2 + Math.sqrt(meanIn(x, C) * meanIn(x, B));
    const options = { windowMm: 6, strideMm: 2.5, outsideTileFactor: 0 };
    // A box off the window grid on both axes.
    const box: Box = { min: [9, 13, 0], max: [37, 41, 1] };
    const inRoi = runPlan(occlusion.plan(contextOf(image, box), options), image, model);
    const full = runPlan(occlusion.plan(contextOf(image, fullBox(image.dimensions)), options), image, model);
    const masked = full.map((value, v) => (boxContains(box, v % SIZE, Math.floor(v / SIZE), 0) ? value : 0));
    expect(Array.from(inRoi)).toEqual(Array.from(masked));
    expect(masked.filter((value) => value !== 0).length).toBeGreaterThan(500);
  });

  it('(c) RISE with cellMm cuts cells of the same size in mm for the full image and any box', () => {
    const spacing: Vec3 = [0.7, 1.4, 3];
    const fullGrid = riseGrid([512, 256, 1], spacing, 8, 20);
    const boxGrid = riseGrid([97, 41, 1], spacing, 8, 20);
    expect(boxGrid.cellSize).toEqual(fullGrid.cellSize);
    // 20 mm is 28.6 voxels of 0.7 mm and 14.3 of 1.4 mm: 29 and 14, within half a voxel.
    expect(fullGrid.cellSize).toEqual([29, 14, 1]);
    expect(fullGrid.cells).toEqual([18, 19, 1]); // ⌈512 / 29⌉, ⌈256 / 14⌉
    expect(boxGrid.cells).toEqual([4, 3, 1]);
    // The paper's fixed count instead: 8 cells per axis whatever the box, so 45 vs 8.5 mm cells.
    expect(riseGrid([512, 256, 1], spacing, 8, 0).cellSize[0] * 0.7).toBeCloseTo(44.8, 5);
    expect(riseGrid([97, 41, 1], spacing, 8, 0).cellSize[0] * 0.7).toBeCloseTo(9.1, 5);
    // Masks per cell: the runs' mask counts scale with their cells.
    const image = texturedSlice([0.7, 1.4, 3]);
    const options = { ...rise.defaults, cellMm: 20, masksPerCell: 8 };
    // 64 × 64: ⌈64 / 29⌉ × ⌈64 / 14⌉ cells; the 32 × 32 box: ⌈32 / 29⌉ × ⌈32 / 14⌉.
    expect(rise.plan(contextOf(image, fullBox(image.dimensions)), options).count).toBe(8 * 3 * 5);
    expect(rise.plan(contextOf(image, roi), options).count).toBe(8 * 2 * 3);
  });

  it('(d) LIME: the same superpixels where the runs overlap, and the same samples per feature', () => {
    const image = texturedSlice();
    const full = limeFeatures(contextOf(image, fullBox(image.dimensions)), 'slic', 10);
    const inRoi = limeFeatures(contextOf(image, roi), 'slic', 10);
    // Each ROI feature is one full-image superpixel clipped at the ROI's edge, and no two share one.
    const fullOf = new Map<number, number>();
    for (let v = 0; v < image.data.length; v++) {
      const label = inRoi.labels[v];
      const inside = boxContains(roi, v % SIZE, Math.floor(v / SIZE), 0);
      expect(label >= 0).toBe(inside);
      if (label < 0) continue;
      expect(fullOf.get(label) ?? full.labels[v]).toBe(full.labels[v]);
      fullOf.set(label, full.labels[v]);
    }
    expect(new Set(fullOf.values()).size).toBe(inRoi.count);
    expect(full.count).toBeGreaterThan(inRoi.count);
    const options = { ...lime.defaults, featureSizeMm: 10, samplesPerFeature: 3 };
    const fullPlan = lime.plan(contextOf(image, fullBox(image.dimensions)), options);
    const roiPlan = lime.plan(contextOf(image, roi), options);
    expect(fullPlan.count).toBe(3 * full.count);
    expect(roiPlan.count).toBe(3 * inRoi.count);
  });

  it("(e) LIME's held-out R²: near 1 for a linear model, near 0 or below for noise", () => {
    const image = texturedSlice();
    const options = { ...lime.defaults, features: 'grid' as const, featureSizeMm: 8, samples: 300 };
    const weights = Float32Array.from({ length: image.data.length }, (_, v) => Math.sin(v * 0.37));
    const linear = (x: Float32Array) => x.reduce((sum, value, v) => sum + weights[v] * value, 0);
    const linearPlan = lime.plan(contextOf(image, roi), options);
    runPlan(linearPlan, image, linear);
    expect(linearPlan.surrogateR2!()).toBeGreaterThan(0.97);
    const random = createRandom(11);
    const noisePlan = lime.plan(contextOf(image, roi), options);
    runPlan(noisePlan, image, () => random());
    expect(noisePlan.surrogateR2!()).toBeLessThan(0.1);
    // Directly: 5-fold on an exact linear target, then on the same target drowned in noise.
    const rows = 200;
    const p = 6;
    const design = Float64Array.from({ length: rows * p }, () => (random() < 0.5 ? 0 : 1));
    const exact = Float64Array.from({ length: rows }, (_, r) =>
      Array.from({ length: p }, (_, f) => (f + 1) * design[r * p + f]).reduce((a, b) => a + b, 0),
    );
    const ones = new Float64Array(rows).fill(1);
    expect(surrogateHeldOutR2(design, rows, p, exact, ones, 0.01)).toBeGreaterThan(0.999);
    const noisy = exact.map((y) => y + 40 * (random() - 0.5));
    expect(surrogateHeldOutR2(design, rows, p, noisy, ones, 0.01)).toBeLessThan(0.3);
  });
});
