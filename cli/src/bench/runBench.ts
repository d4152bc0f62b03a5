import * as os from 'os';
import * as path from 'path';
import { resolveOrgan } from '@xai-clip/runtime';
import { describeLabelValues } from '../labels/describeLabelValues';
import { labelValueCounts } from '../labels/labelValueCounts';
import { coarseToFineOf, comparisonsOf, PAPER, rowsOf } from './aggregate';
import { BenchCase, CaseCache, pickSlices, shown } from './benchCases';
import { BenchSlice } from './benchSlice';
import { BenchStore, SliceIdentity, SliceResults } from './benchStore';
import { checksOf } from './checks';
import { compareSlab } from './compareSlab';
import { explainSlice } from './explainSlice';
import { InstrumentedModel, loadInstrumentedModel } from './instrumentedModel';
import { round } from './numbers';
import { maxRssMb } from './peakMemory';
import { predictedAreas } from './predictedAreas';
import { randomisedSegmenter } from './randomisedSegmenter';
import { sanityRowsOf } from './sanityRows';
import { BenchResult, BenchUnit, CoarseToFineComparison, SanityUnit, SweepPoint } from './schema';
import { THRESHOLD_PROTOCOL } from './scoreSaliency';
import { BenchSettings, settingsKey } from './settings';
import { runSweep } from './sweep';

/**
 * Runs the benchmark: for every case, organ and chosen slice, every method in its full-image and
 * ROI-guided variants (and coarse-to-fine occlusion), with wall time, passes, Dice/IoU against the
 * ground truth (ROI runs with their controls) and deletion/insertion AUC scaled to the organ, and
 * the slice's sanity maps; then paired statistics ROI − full and a batch-size sweep against the
 * bare session. Slices are picked from the model's own prediction, not the ground truth.
 */
export async function runBench(
  cases: BenchCase[],
  settings: BenchSettings,
  options: { notes?: string[]; cache?: CaseCache; log?: (line: string) => void; store?: string } = {},
): Promise<BenchResult> {
  const started = Date.now();
  // Read first: an unusable store fails before any work.
  const store = options.store === undefined ? undefined : BenchStore.open(options.store);
  const key = settingsKey(settings);
  const log = options.log ?? (() => undefined);
  const cache = options.cache ?? new CaseCache();
  const notes = [...(options.notes ?? [])];
  const models = new Map<string, InstrumentedModel>();
  // Each model with every layer randomised (settings.randomisation), loaded once.
  const randomised = new Map<string, Awaited<ReturnType<typeof randomisedSegmenter>>>();
  const units: BenchUnit[] = [];
  const sanityUnits: SanityUnit[] = [];
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
    const labelCounts = labelValueCounts(data.labels.data);
    const pool = benchCase.candidateSlices ?? Array.from({ length: data.volume.dimensions[2] }, (_, k) => k);
    // The model's own prediction on the candidates, once per case: what slices are picked by.
    const areas = benchCase.organs.every((organ) => organ.slices)
      ? []
      : await predictedAreas(model.loaded.segmenter, data.volume, pool);
    for (const organ of benchCase.organs) {
      const where = `${benchCase.dataset}${benchCase.subject ? ` ${benchCase.subject}` : ''}`;
      // A value the labels lack entirely is a wrong labelValue: nothing could be scored.
      if (!labelCounts.has(organ.labelValue)) {
        notes.push(
          `${where}: no slice shows ${organ.organ}; skipped. The labels ${shown(benchCase.labels)} have no voxel ` +
            `of its value ${organ.labelValue}; their values: ${describeLabelValues(labelCounts, benchCase.labels)}. ` +
            "Fix the organ's labelValue.",
        );
        continue;
      }
      const { classIndex } = resolveOrgan(model.loaded.manifest, organ.organ);
      const requested = benchCase.slicesPerOrgan ?? settings.slicesPerOrgan;
      const slices =
        organ.slices ??
        pickSlices(
          areas.map((area) => area[classIndex]),
          pool,
          requested,
          settings.seed,
        );
      if (slices.length === 0) {
        notes.push(`${where}: the model predicts no ${organ.organ} on any candidate slice; skipped.`);
        continue;
      }
      // Fewer eligible slices than asked for changes what the row's interval rests on: say so.
      if (!organ.slices && slices.length < requested) {
        notes.push(
          `${where} ${organ.organ}: ${slices.length} slices where ${requested} were asked for: of the ${pool.length} ` +
            `candidate slices, ${slices.length} show the predicted organ at half its largest area or more.`,
        );
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
        const identity: SliceIdentity = {
          dataset: benchCase.dataset,
          subject: benchCase.subject,
          ...(benchCase.subject ? {} : { input: path.basename(benchCase.input) }),
          organ: organ.organ,
          labelValue: organ.labelValue,
          slice,
        };
        let results: SliceResults | undefined = store?.take(identity, key, model.identity);
        if (results) log(`${where} ${organ.organ} slice ${slice}: reused from the store`);
        else {
          results = await explainSlice(at);
          store?.append(identity, key, model.identity, results);
        }
        units.push(...results.units);
        sanityUnits.push(...results.sanityUnits);
        perSliceCoarseToFine.push(...results.coarseToFine);
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
  const stored = store?.summary(
    key,
    [...models.values()].map((m) => m.identity),
    new Set(cases.map((c) => c.dataset)),
  );
  notes.push(...(stored?.notes ?? []));
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
    comparisons: comparisonsOf(rows, units, settings.seed),
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
    sanity: { units: sanityUnits, rows: sanityRowsOf(sanityUnits, settings.seed) },
    ...(stored ? { store: stored.store } : {}),
  };
  result.checks = checksOf(result);
  result.totalMs = Date.now() - started;
  return result;
}
