import { ProgressTracker } from '../../../extension/src/engine/evaluate/ProgressTracker';
import { bindOrganTarget } from '../../../extension/src/engine/explain/bindOrganTarget';
import { explainVolume } from '../../../extension/src/engine/explain/explainVolume';
import { getMethod } from '../../../extension/src/engine/methods';
import { makeSubstrate } from '../../../extension/src/engine/methods/makeSubstrate';
import { MethodId } from '../../../extension/src/engine/methods/PerturbationMethod';
import { SegmentationModel } from '../../../extension/src/engine/model/SegmentationModel';
import { Roi } from '../../../extension/src/engine/roi/Roi';
import { Box, fullBox } from '../../../extension/src/engine/volume/Box';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';
import { brightOrganModel } from '../../helpers/brightOrganModel';

const [nx, ny] = [32, 32];

/** Columns 0–11 are 0 (the image minimum, so the default fill), the rest a texture with a bright organ. */
function halfAirSlice(): Volume<Float32Array> {
  const data = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 12; i < nx; i++) {
      const organ = i >= 18 && i < 28 && j >= 8 && j < 24;
      data[i + nx * j] = organ ? 1 : 0.3 + 0.2 * Math.sin(i * 0.7) * Math.cos(j * 0.9);
    }
  }
  return createVolume(data, [nx, ny, 1], { spacing: [1, 1, 1] });
}

/**
 * The map of `method` on the slice computed without any skipping: every perturbation sent to the
 * model one by one, as explainVolume plans them (same context, seed and baseline).
 */
async function unskippedMap(method: MethodId, box: Box, methodOptions: object): Promise<Float32Array> {
  const image = halfAirSlice();
  const model = brightOrganModel();
  const bound = await bindOrganTarget(model, image, 1);
  const context = { image, roi: box, substrate: makeSubstrate(image, 'min'), seed: 0 };
  const { defaults } = getMethod(method);
  const plan = getMethod(method).plan(context, { ...defaults, ...methodOptions });
  const out = new Float32Array(image.data.length);
  for (let index = 0; index < plan.count; index++) {
    plan.write(index, out);
    plan.receive(index, bound.target!(await bound.predictor.predict(out, 1), 0));
  }
  return plan.finish(bound.baselineScore);
}

const explain = (model: SegmentationModel, method: MethodId, box: Box, methodOptions: object) => {
  const progress: { done: number; total: number }[] = [];
  const roi: Roi = { source: 'mask', box, sliceBoxes: [box] };
  const run = explainVolume(halfAirSlice(), model, {
    classIndex: 1,
    method,
    methodOptions,
    roi,
    scope: 'slice',
    slice: 0,
    onProgress: ({ done, total }) => progress.push({ done, total }),
  });
  return run.then((result) => ({ result, progress }));
};

describe('perturbations that change no voxel of the image are not run', () => {
  const whole: Box = fullBox([nx, ny, 1]);
  const window = { windowMm: 4, strideMm: 2 };

  it('occlusion: windows over the region equal to the fill are skipped, the map is the same', async () => {
    const model = brightOrganModel();
    const { result, progress } = await explain(model, 'occlusion', whole, window);
    // 15 window starts per axis; those starting at columns 0, 2, 4, 6, 8 lie in the zero columns.
    expect(result.skippedPasses).toBe(5 * 15);
    expect(result.passes).toBe(1 + 15 * 15 - 5 * 15);
    expect(model.sent).toBe(result.passes);
    expect(result.images[0].passes).toBe(result.passes);
    expect(result.images[0].skippedPasses).toBe(result.skippedPasses);
    // Bit-identical to sending every window.
    expect(result.saliency.data).toEqual(await unskippedMap('occlusion', whole, window));
    expect(Math.max(...result.saliency.data.subarray(0, 4))).toBe(0);
    // Progress counts the skipped windows as done: it ends at the planned total.
    const last = progress[progress.length - 1];
    expect(last).toEqual({ done: 1 + 15 * 15, total: 1 + 15 * 15 });
  });

  it.each([
    ['rise', { masks: 40, gridSize: 4 }],
    ['lime', { samples: 30, features: 'grid', featureSizeMm: 4 }],
    // Without outside tiles: they would replace the textured columns.
    ['occlusion', { ...window, outsideTileFactor: 0 }],
  ] as [MethodId, object][])(
    '%s: an ROI inside the fill-valued region costs one pass and gives the unskipped map',
    async (method, options) => {
      const inside: Box = { min: [0, 4, 0], max: [10, 28, 1] };
      const model = brightOrganModel();
      const { result } = await explain(model, method, inside, options);
      const count = getMethod(method).plan(
        { image: halfAirSlice(), roi: inside, substrate: new Float32Array(nx * ny), seed: 0 },
        { ...getMethod(method).defaults, ...options },
      ).count;
      expect(result.passes).toBe(1);
      expect(result.skippedPasses).toBe(count);
      expect(model.sent).toBe(1);
      expect(result.saliency.data).toEqual(await unskippedMap(method, inside, options));
    },
  );

  it('the tracker counts skipped passes as done, apart from the passes run', () => {
    const seen: number[] = [];
    const tracker = new ProgressTracker(10, ({ done }) => seen.push(done));
    tracker.advance(1);
    tracker.advance(3, 2);
    tracker.advance(0, 4);
    expect(seen).toEqual([1, 6, 10]);
    expect([tracker.done, tracker.passes, tracker.skipped, tracker.calls]).toEqual([10, 4, 6, 2]);
  });
});
