import * as os from 'os';
import { describeLabelValues } from '../labels/describeLabelValues';
import { labelValueCounts } from '../labels/labelValueCounts';
import { coarseToFineOf, comparisonsOf, PAPER, rowsOf } from './aggregate';
import { BenchCase, CaseCache, pickSlices, shown } from './benchCases';
import { RunKind } from './benchRequest';
import { BenchSlice } from './benchSlice';
import { scoreRun, ScoredRun } from './benchUnit';
import { checksOf } from './checks';
import { compareCoarseToFine } from './compareCoarseToFine';
import { compareSlab } from './compareSlab';
import { InstrumentedModel, loadInstrumentedModel } from './instrumentedModel';
import { round } from './numbers';
import { maxRssMb } from './peakMemory';
import { randomisedSegmenter } from './randomisedSegmenter';
import { BenchResult, BenchUnit, CoarseToFineComparison, SweepPoint } from './schema';
import { THRESHOLD_PROTOCOL } from './scoreSaliency';
import { BenchSettings } from './settings';
import { runSweep } from './sweep';
import { fastestRuns } from './timeExplanation';

/**
 * Runs the benchmark: for every case, organ and chosen slice, every method in its full-image and
 * ROI-guided variants (and coarse-to-fine occlusion), with wall time, passes, Dice/IoU against the
 * ground truth and deletion/insertion AUC; then a batch-size sweep against the bare session.
 */
export async function runBench(
  cases: BenchCase[],
  settings: BenchSettings,
  options: { notes?: string[]; cache?: CaseCache; log?: (line: string) => void } = {},
): Promise<BenchResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const cache = options.cache ?? new CaseCache();
  const notes = [...(options.notes ?? [])];
  const models = new Map<string, InstrumentedModel>();
  // Each model with every layer randomised (settings.randomisation), loaded once.
  const randomised = new Map<string, Awaited<ReturnType<typeof randomisedSegmenter>>>();
  const units: BenchUnit[] = [];
  const perSliceCoarseToFine: CoarseToFineComparison[] = [];
  let sweep: { dataset: string; model: InstrumentedModel; points: SweepPoint[] } | undefined;
  // The first case, organ and slice: where the slab comparison runs.
  let first: BenchSlice | undefined;

  for (const benchCase of cases) {
    if (!models.has(benchCase.model))
      models.set(benchCase.model, await loadInstrumentedModel(benchCase.model));
    const model = models.get(benchCase.model)!;
    if (settings.randomisation && !randomised.has(benchCase.model)) {
      const copy = await randomisedSegmenter(model.loaded, settings.seed);
      randomised.set(benchCase.model, copy);
      if (!copy)
        notes.push(`${benchCase.dataset}: the model has no layer of float weights; no randomisation figure.`);
    }
    const data = await cache.load(benchCase);
    let roiMode = settings.roi;
    if (roiMode === 'clip' && !model.loaded.clip) {
      roiMode = 'mask';
      notes.push(
        `${benchCase.dataset}: the model has no CLIP part; the ROI variant uses the predicted-mask ROI.`,
      );
    }
    for (const organ of benchCase.organs) {
      const slices =
        organ.slices ??
        pickSlices(
          data.labels,
          organ.labelValue,
          benchCase.slicesPerOrgan ?? settings.slicesPerOrgan,
          benchCase.candidateSlices,
        );
      if (slices.length === 0) {
        const counts = labelValueCounts(data.labels.data);
        // A value the labels lack entirely is a wrong labelValue, not an organ outside the candidates.
        notes.push(
          `${benchCase.dataset} ${benchCase.subject ?? ''}: no slice shows ${organ.organ}; skipped.` +
            (counts.has(organ.labelValue)
              ? ''
              : ` The labels ${shown(benchCase.labels)} have no voxel of its value ${organ.labelValue}; ` +
                `their values: ${describeLabelValues(counts, benchCase.labels)}. Fix the organ's labelValue.`),
        );
        continue;
      }
      for (const slice of slices) {
        sweep ??= {
          dataset: benchCase.dataset,
          model,
          points: await runSweep(model, data, organ, slice, settings, log),
        };
        const at: BenchSlice = {
          benchCase,
          data,
          organ,
          slice,
          model,
          settings,
          roiMode,
          randomised: randomised.get(benchCase.model),
          log,
        };
        first ??= at;
        for (const method of settings.methods) {
          const kinds: RunKind[] = [
            { method, variant: 'full', coarseToFine: false },
            { method, variant: 'roi', coarseToFine: false },
          ];
          if (method === 'occlusion' && settings.coarseToFine)
            kinds.push({ method, variant: 'roi', coarseToFine: true });
          const scored: ScoredRun[] = [];
          for (const run of await fastestRuns(at, kinds)) scored.push(await scoreRun(at, run));
          units.push(...scored.map((s) => s.unit));
          const [, roi, refined] = scored;
          if (refined) perSliceCoarseToFine.push(compareCoarseToFine(at, roi, refined));
        }
      }
    }
  }
  if (!sweep || !first)
    throw new Error('The benchmark found no slice to explain (no case shows its organs).');
  const slab =
    settings.slabSlices !== 0 && settings.methods.includes('occlusion')
      ? await compareSlab(first)
      : undefined;

  await Promise.all([...randomised.values()].map((copy) => copy?.dispose()));

  const bare = new Map<string, number>();
  for (const [manifest, model] of models) {
    if (model.stats.sample)
      bare.set(
        manifest,
        await model.bareMsPerPass(
          settings.batchSize,
          Math.ceil(100 / settings.batchSize),
          settings.bareRepeats,
        ),
      );
  }
  const manifestOf = new Map(cases.map((c) => [c.dataset, c.model]));
  const rows = rowsOf(units, settings.batchSize, (dataset) => bare.get(manifestOf.get(dataset)!) ?? NaN);
  const defaultPoint = sweep.points.find((p) => p.batchSize === settings.batchSize) ?? sweep.points[0];
  const result: BenchResult = {
    version: 1,
    mode: settings.mode,
    startedAt: new Date(started).toISOString(),
    totalMs: 0,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    },
    settings,
    thresholdProtocol: THRESHOLD_PROTOCOL,
    models: [...new Map(cases.map((c) => [c.dataset, c])).values()].map((c) => {
      const loaded = models.get(c.model)!.loaded;
      return {
        dataset: c.dataset,
        path: c.model,
        name: loaded.manifest.name,
        version: loaded.manifest.version,
        backend: loaded.backend,
      };
    }),
    notes,
    rows,
    comparisons: comparisonsOf(rows),
    paper: PAPER,
    coarseToFine: coarseToFineOf(perSliceCoarseToFine),
    ...(slab ? { slab } : {}),
    performance: {
      dataset: sweep.dataset,
      backend: sweep.model.loaded.backend,
      defaultBatchSize: settings.batchSize,
      overhead: defaultPoint.overhead,
      sweep: sweep.points,
      maxRssMb: round(maxRssMb(), 1),
      itemShape: sweep.model.stats.itemShape,
    },
    checks: [],
    units,
  };
  result.checks = checksOf(result);
  result.totalMs = Date.now() - started;
  return result;
}
