import { BatchTuner } from '../../extension/src/engine/evaluate/BatchTuner';
import { ProgressTracker } from '../../extension/src/engine/evaluate/ProgressTracker';
import { runBatches } from '../../extension/src/engine/evaluate/runBatches';
import { Predictor } from '../../extension/src/engine/model/SegmentationModel';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { describeBatch } from '../../extension/src/runtime/describeBatch';
import { estimateItemMemory } from '../../extension/src/runtime/memory/estimateItemMemory';
import { batchTunerFor } from '../../extension/src/runtime/memory/batchTunerFor';
import { planBatchSize } from '../../extension/src/runtime/memory/planBatchSize';
import { reportOf } from '../../extension/src/runtime/reportOf';
import { ExplainRequest, runExplanation } from '../../extension/src/runtime/runExplanation';
import { planted2dWithoutClip } from '../helpers/planted2dWithoutClip';
import { plantedSlice } from '../helpers/plantedImage';

/** A predictor on a fake clock: a call of n images takes `msPerCall[n]`; the sizes called are logged. */
function timedPredictor(msPerCall: Record<number, number>) {
  const clock = { ms: 0 };
  const calls: number[] = [];
  const predictor = {
    classNames: ['background', 'organ'],
    outputSize: 1,
    predict: async (_images: Float32Array, count: number) => {
      calls.push(count);
      clock.ms += msPerCall[count];
      return new Float32Array(2 * count);
    },
    toImageGrid: (p: Float32Array) => p,
  } as Predictor;
  return { predictor, calls, now: () => clock.ms };
}

const run = (predictor: Predictor, count: number, batch: number | BatchTuner) =>
  runBatches(
    predictor,
    4,
    count,
    (index, out) => out.fill(index),
    () => 0,
    () => {},
    batch,
    new ProgressTracker(count),
  );

describe('BatchTuner: the fastest batch size from the run’s own calls', () => {
  it('tries each candidate on two full calls, then runs the fewest ms per pass', async () => {
    // ms per pass: 1 → 10, 2 → 6, 4 → 7, 8 → 9.
    const { predictor, calls, now } = timedPredictor({ 1: 10, 2: 12, 4: 28, 8: 72 });
    const tuner = new BatchTuner([1, 2, 4, 8], now);
    await run(predictor, 50, tuner);
    expect(calls.slice(0, 8)).toEqual([1, 1, 2, 2, 4, 4, 8, 8]);
    expect(tuner.chosen).toBe(2);
    expect(calls.slice(8)).toEqual(Array(10).fill(2)); // 50 − 30 tuned = 20 images
    expect(tuner.passTimes).toEqual({ 1: 10, 2: 6, 4: 7, 8: 9 });
  });

  it('costs no extra pass, and an unfinished tuning names the fastest so far', async () => {
    const { predictor, calls, now } = timedPredictor({ 1: 10, 2: 12, 4: 28, 8: 72 });
    const tuner = new BatchTuner([1, 2, 4, 8], now);
    await run(predictor, 5, tuner);
    expect(calls).toEqual([1, 1, 2, 1]); // the last call is partial: not timed
    expect(tuner.chosen).toBeUndefined();
    expect(tuner.fastest()).toBe(2);
  });

  it('a number keeps its fixed size', async () => {
    const { predictor, calls } = timedPredictor({ 3: 1, 2: 1 });
    await run(predictor, 8, 3);
    expect(calls).toEqual([3, 3, 2]);
  });

  it('tries no size above the memory plan’s batch, none below a fixed batch, and reuses a cached choice', () => {
    const item = { ...estimateItemMemory({ channels: 1, classes: 2, voxels: 1000 }), totalBytes: 3e6 };
    const capped = planBatchSize(item, 8, 10e6); // 3 fit
    expect(batchTunerFor(capped, undefined, undefined).candidates).toEqual([1, 2]);
    expect(batchTunerFor(planBatchSize(item, 8, undefined), 4, undefined).candidates).toEqual([4, 8]);
    expect(batchTunerFor(planBatchSize(item, 8, 4e6), undefined, undefined).candidates).toEqual([1]);
    expect(batchTunerFor(capped, undefined, 2).chosen).toBe(2);
    // A cached size the budget no longer allows is tuned again.
    expect(batchTunerFor(capped, undefined, 8).chosen).toBeUndefined();
  });
});

describe('auto batch size in runExplanation (planted2d)', () => {
  let loaded: LoadedModel;
  let release: () => Promise<void>;
  beforeAll(async () => ({ loaded, release } = await planted2dWithoutClip()));
  afterAll(() => release());

  const request = (batchSize?: number | 'auto'): ExplainRequest => ({
    organ: 'organ',
    method: 'occlusion',
    roi: 'none',
    scope: 'slice',
    slice: 0,
    windowMm: 8,
    strideMm: 4,
    ...(batchSize === undefined ? {} : { batchSize }),
  });
  // Every call reads 1 ms later than the last: a call's ms per pass is 1 / its size, so 8 wins.
  const ticking = () => {
    let ms = 0;
    return () => (ms += 1);
  };

  it('is the default; the chosen size and its timings are in report.json, described for the hosts', async () => {
    const explanation = await runExplanation(loaded, plantedSlice(), request(), { now: ticking() });
    expect(explanation.request.batchSize).toBe('auto');
    expect(explanation.batch.batchSize).toBe(8);
    expect(explanation.batch.auto).toEqual({ msPerPass: { 1: 1, 2: 0.5, 4: 0.25, 8: 0.125 }, reused: false });
    const report = reportOf(explanation, loaded, plantedSlice().dimensions);
    expect(report.batch).toEqual({ size: 8, msPerPass: { 1: 1, 2: 0.5, 4: 0.25, 8: 0.125 } });
    expect(describeBatch(report)).toBe(
      'batch size 8 (auto: the fastest on cpu; ms per pass 1: 1.0, 2: 0.5, 4: 0.3, 8: 0.1)',
    );
  });

  it('the host’s map keeps the choice per model and backend: the next run tunes nothing', async () => {
    const batchSizes = new Map<string, number>();
    await runExplanation(loaded, plantedSlice(), request(), { now: ticking(), batchSizes });
    expect([...batchSizes]).toEqual([[`${loaded.manifest.name} on ${loaded.backend}`, 8]]);
    const again = await runExplanation(loaded, plantedSlice(), request(), { now: ticking(), batchSizes });
    expect(again.batch.auto).toEqual({ msPerPass: {}, reused: true });
    expect(describeBatch(reportOf(again, loaded, plantedSlice().dimensions))).toBe(
      'batch size 8 (auto: the fastest on cpu in an earlier run)',
    );
  });

  it('an explicit batch size runs as asked, and the map is the same whatever the batch', async () => {
    const auto = await runExplanation(loaded, plantedSlice(), request('auto'), { now: ticking() });
    const one = await runExplanation(loaded, plantedSlice(), request(1));
    const three = await runExplanation(loaded, plantedSlice(), request(3));
    expect(three.batch.batchSize).toBe(3);
    expect(three.batch.auto).toBeUndefined();
    expect(describeBatch(reportOf(three, loaded, plantedSlice().dimensions))).toBe('batch size 3 (as asked)');
    expect(auto.result.saliency.data).toEqual(one.result.saliency.data);
    expect(three.result.saliency.data).toEqual(one.result.saliency.data);
  });
});
