import { ExplainRequest, runExplanation } from '@xai-clip/runtime';
import { BenchOrgan, LoadedCase } from './benchCases';
import { InstrumentedModel } from './instrumentedModel';
import { round } from './numbers';
import { withPeakMemory } from './peakMemory';
import { SweepPoint } from './schema';
import { BenchSettings } from './settings';

/**
 * Engine overhead per batch size: a full-image occlusion (window = stride = sweepWindowMm) timed
 * per pass, against the bare session's time per pass at the same batch size, run right after it
 * for as many batched calls. Of `sweepRepeats` such pairs the median ratio counts: the two runs of
 * a pair meet the same load on a shared machine, where the best engine run and the best bare run
 * of separate moments need not (a bare run in a quiet second once made it 2.05 against 1.07
 * in-run), and one pair disturbed either way does not decide it.
 */
export async function runSweep(
  model: InstrumentedModel,
  data: LoadedCase,
  organ: BenchOrgan,
  slice: number,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<SweepPoint[]> {
  const sizes = [...new Set([...settings.sweepBatchSizes, settings.batchSize])].sort((a, b) => a - b);
  const points: SweepPoint[] = [];
  const request = (batchSize: number, windowMm = settings.sweepWindowMm): ExplainRequest => ({
    organ: organ.organ,
    method: 'occlusion',
    roi: 'none',
    scope: 'slice',
    slice,
    windowMm,
    strideMm: windowMm,
    fill: settings.fill,
    target: settings.target,
    batchSize,
  });
  // One small untimed run first: the first session runs of a process are slower (allocation, caches).
  await runExplanation(model.loaded, data.volume, request(settings.batchSize, 2 * settings.sweepWindowMm));
  type Pair = { wallMs: number; ortMs: number; passes: number; bareMsPerPass: number; peakRssMb: number };
  const overheadOf = (pair: Pair) => pair.wallMs / pair.passes / pair.bareMsPerPass;
  for (const batchSize of sizes) {
    const pairs: Pair[] = [];
    for (let repeat = 0; repeat < settings.sweepRepeats; repeat++) {
      const ortBefore = model.stats.runMs;
      const { result, peakRssMb } = await withPeakMemory(() =>
        runExplanation(model.loaded, data.volume, request(batchSize)),
      );
      const { wallMs, passes } = result.result;
      const ortMs = model.stats.runMs - ortBefore;
      const bareMsPerPass = await model.bareMsPerPass(batchSize, Math.ceil(passes / batchSize), 1);
      pairs.push({ wallMs, ortMs, passes, bareMsPerPass, peakRssMb });
    }
    pairs.sort((a, b) => overheadOf(a) - overheadOf(b));
    const { wallMs, ortMs, passes, bareMsPerPass, peakRssMb } = pairs[Math.floor(pairs.length / 2)];
    const engineMsPerPass = wallMs / passes;
    points.push({
      batchSize,
      bareMsPerPass: round(bareMsPerPass, 2),
      engineMsPerPass: round(engineMsPerPass, 2),
      overhead: round(engineMsPerPass / bareMsPerPass, 3),
      ortMsPerPass: round(ortMs / passes, 2),
      ortOverhead: round(wallMs / ortMs, 3),
      passes,
      peakRssMb: round(peakRssMb, 1),
    });
    log(
      `sweep batch ${batchSize}: engine ${engineMsPerPass.toFixed(1)} ms/pass, bare ${bareMsPerPass.toFixed(1)} ms/pass, ` +
        `overhead ${(engineMsPerPass / bareMsPerPass).toFixed(2)} (${(wallMs / ortMs).toFixed(2)} vs its own ONNX Runtime time; median of ${settings.sweepRepeats} pairs)`,
    );
  }
  return points;
}
