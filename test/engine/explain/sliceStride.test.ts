import { explainVolume, ExplainOptions } from '../../../extension/src/engine/explain/explainVolume';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';
import { brightOrganModel } from '../../helpers/brightOrganModel';

/**
 * 16×16×7, 2 mm slices: a bright organ whose size and brightness change from slice to slice (none
 * on the slices `without`).
 */
function slab(without: number[] = []) {
  const [nx, ny, nz] = [16, 16, 7];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    const half = 3 + (k % 3);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const inside = Math.abs(i - 8) < half && Math.abs(j - 7) < half;
        data[i + nx * (j + ny * k)] =
          inside && !without.includes(k) ? 0.8 + 0.03 * k : 0.2 + 0.1 * Math.sin(i + j);
      }
    }
  }
  return createVolume(data, [nx, ny, nz], { spacing: [1, 1, 2] });
}

const options: ExplainOptions<'occlusion'> = {
  classIndex: 1,
  method: 'occlusion',
  methodOptions: { windowMm: 4, strideMm: 2 },
  scope: 'slab',
  fill: 0,
  batchSize: 8,
};
const plane = 16 * 16;
const sliceMap = (data: Float32Array, k: number) => Array.from(data.subarray(k * plane, (k + 1) * plane));

describe('slice stride', () => {
  it('perturbs every k-th slice and the last, with the exhaustive map there, and interpolates between', async () => {
    const volume = slab();
    const exhaustive = await explainVolume(volume, brightOrganModel(), options);
    const strided = await explainVolume(volume, brightOrganModel(), { ...options, sliceStride: 4 });
    expect(strided.explainedSlices).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(strided.interpolatedSlices).toEqual([1, 2, 3, 5]);
    for (const k of [0, 4, 6]) {
      expect(sliceMap(strided.saliency.data, k)).toEqual(sliceMap(exhaustive.saliency.data, k));
    }
    const [first, fifth, last] = [0, 4, 6].map((k) => sliceMap(strided.saliency.data, k));
    for (const [k, t, below, above] of [
      [1, 0.25, first, fifth],
      [3, 0.75, first, fifth],
      [5, 0.5, fifth, last],
    ] as const) {
      sliceMap(strided.saliency.data, k).forEach((value, v) =>
        expect(value).toBeCloseTo((1 - t) * below[v] + t * above[v], 5),
      );
    }
    // Interpolated slices still run their unperturbed pass: the organ mask covers the slab.
    expect(Array.from(strided.organMask.data)).toEqual(Array.from(exhaustive.organMask.data));
    const perturbedPasses = [0, 4, 6].reduce((sum, k) => sum + exhaustive.images[k].passes, 0);
    expect(strided.passes).toBe(perturbedPasses + 4);
    expect(strided.notes.join(' ')).toMatch(
      /Slice stride 4: 3 of 7 slices perturbed; .* 4 between are interpolated/,
    );
  });

  it('keeps the map 0 on a slice between where the model predicts no organ, as a perturbed one', async () => {
    const volume = slab([5]);
    const strided = await explainVolume(volume, brightOrganModel(), { ...options, sliceStride: 4 });
    expect(strided.images[5].organVoxels).toBe(0);
    expect(strided.interpolatedSlices).toEqual([1, 2, 3]);
    expect(sliceMap(strided.saliency.data, 5).every((value) => value === 0)).toBe(true);
    expect(strided.notes).toContain('Slice 5: the model predicts no organ; saliency is 0.');
  });

  it('at stride 1 is the run without a stride, bit for bit', async () => {
    const volume = slab();
    const without = await explainVolume(volume, brightOrganModel(), options);
    const stride1 = await explainVolume(volume, brightOrganModel(), { ...options, sliceStride: 1 });
    expect(stride1.saliency.data).toEqual(without.saliency.data);
    expect(stride1.passes).toBe(without.passes);
    expect(stride1.interpolatedSlices).toBeUndefined();
    expect(stride1.notes).toEqual(without.notes);
  });

  it('refines only the perturbed slices with coarse-to-fine and interpolates the refined maps', async () => {
    const volume = slab();
    const refined = await explainVolume(volume, brightOrganModel(), { ...options, refine: {} });
    const strided = await explainVolume(volume, brightOrganModel(), {
      ...options,
      refine: {},
      sliceStride: 3,
    });
    expect(strided.interpolatedSlices).toEqual([1, 2, 4, 5]);
    for (const k of [0, 3, 6]) {
      expect(sliceMap(strided.saliency.data, k)).toEqual(sliceMap(refined.saliency.data, k));
    }
    expect(strided.refinement!.secondRoundPasses).toBeLessThan(refined.refinement!.secondRoundPasses);
  });

  it('refuses a stride that is not a whole number ≥ 1', async () => {
    for (const sliceStride of [0, 1.5, -2]) {
      await expect(explainVolume(slab(), brightOrganModel(), { ...options, sliceStride })).rejects.toThrow(
        `The slice stride must be a whole number ≥ 1 (1 explains every slice), got ${sliceStride}.`,
      );
    }
  });
});
