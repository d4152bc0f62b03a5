import { ProgressTracker } from '../../../extension/src/engine/evaluate/ProgressTracker';
import { deletionInsertion } from '../../../extension/src/engine/metrics/deletionInsertion';
import { organScoreTarget } from '../../../extension/src/engine/targets/organScoreTarget';
import { predictedMask } from '../../../extension/src/engine/targets/predictedMask';
import { loadModelFile } from '../../../cli/src/io/loadModelFile';
import { fixture, plantedMask, plantedSlice } from '../../helpers/plantedImage';

it('deletion/insertion AUC rank a faithful map (S) above an unfaithful one (everything but S)', async () => {
  const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
  const image = plantedSlice();
  const predictor = await segmenter.bind(image);
  const baseline = await predictor.predict(image.data, 1);
  const target = organScoreTarget(
    1,
    predictedMask(baseline, 2, predictor.outputSize, 1),
    predictor.outputSize,
  );
  const substrates = { deletion: new Float32Array(64 * 64), insertion: new Float32Array(64 * 64) };
  const faithful = Float32Array.from(plantedMask());
  const unfaithful = faithful.map((value) => 1 - value);
  const steps = 8;
  const tracker = new ProgressTracker(4 * (steps + 1));
  const good = await deletionInsertion(predictor, image.data, faithful, target, substrates, {
    steps,
    tracker,
  });
  const bad = await deletionInsertion(predictor, image.data, unfaithful, target, substrates, {
    steps,
    tracker,
  });
  expect(good.passes).toBe(2 * (steps + 1));
  expect(tracker.done).toBe(tracker.total);
  expect(good.deletion[0]).toBeCloseTo(1, 6);
  expect(good.deletionAuc).toBeLessThan(bad.deletionAuc - 0.3);
  expect(good.insertionAuc).toBeGreaterThan(bad.insertionAuc + 0.3);
});

it('restricted to candidate voxels and a maxFraction, removes only their top share', async () => {
  const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
  const image = plantedSlice();
  const predictor = await segmenter.bind(image);
  const baseline = await predictor.predict(image.data, 1);
  const target = organScoreTarget(
    1,
    predictedMask(baseline, 2, predictor.outputSize, 1),
    predictor.outputSize,
  );
  const substrates = { deletion: new Float32Array(64 * 64), insertion: new Float32Array(64 * 64) };
  const faithful = Float32Array.from(plantedMask());
  // S (256 voxels) and as many outside: half of them removed at the end is all of S.
  const inside = Array.from(plantedMask().keys()).filter((v) => plantedMask()[v]);
  const outside = Array.from(plantedMask().keys())
    .filter((v) => !plantedMask()[v])
    .slice(0, 256);
  const candidates = Uint32Array.from([...inside, ...outside]);
  const steps = 4;
  const curves = await deletionInsertion(predictor, image.data, faithful, target, substrates, {
    steps,
    tracker: new ProgressTracker(2 * (steps + 1)),
    candidates,
    maxFraction: 0.5,
  });
  expect(curves.fractions).toEqual([0, 0.125, 0.25, 0.375, 0.5]);
  // All of S gone at the end: the organ score has fallen far, and restoring S alone brings it back.
  expect(curves.deletion[steps]).toBeLessThan(0.2);
  expect(curves.insertion[steps]).toBeGreaterThan(0.8);
  const area = curves.deletion
    .slice(1)
    .reduce((sum, d, n) => sum + ((d + curves.deletion[n]) / 2) * 0.125, 0);
  expect(curves.deletionAuc).toBeCloseTo(area / 0.5, 10);
  await expect(
    deletionInsertion(predictor, image.data, faithful, target, substrates, {
      tracker: new ProgressTracker(1),
      maxFraction: 1.5,
    }),
  ).rejects.toThrow(/maxFraction must lie in \(0, 1\], got 1.5/);
});
