import * as os from 'os';
import { ProgressTracker } from '../../../extension/src/engine/evaluate/ProgressTracker';
import { deletionInsertion } from '../../../extension/src/engine/metrics/deletionInsertion';
import { overlap } from '../../../extension/src/engine/metrics/overlap';
import { saliencyOverlap } from '../../../extension/src/engine/metrics/saliencyOverlap';
import { CoarseToFineReport } from '../../../extension/src/engine/methods/coarseToFineOcclusion';
import { makeSubstrate } from '../../../extension/src/engine/methods/makeSubstrate';
import {
  DEFAULT_OUTSIDE_TILE_FACTOR,
  DEFAULT_OUTSIDE_TILES,
  OutsideTileShape,
} from '../../../extension/src/engine/methods/occlusion';
import { FillMode, MethodId } from '../../../extension/src/engine/methods/PerturbationMethod';
import { Roi, RoiShape } from '../../../extension/src/engine/roi/Roi';
import { organScoreTarget } from '../../../extension/src/engine/targets/organScoreTarget';
import { predictedMask } from '../../../extension/src/engine/targets/predictedMask';
import { TargetKind } from '../../../extension/src/engine/targets/Target';
import { binarize } from '../../../extension/src/engine/util/binarize';
import { Box } from '../../../extension/src/engine/volume/Box';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { asFloat32, sliceOf } from '../../../extension/src/engine/volume/volumeUtils';
import { reportOf } from '../../../extension/src/runtime/reportOf';
import { ExplainRequest, runExplanation } from '../../../extension/src/runtime/runExplanation';
import { BenchCase, BenchOrgan, CaseCache, LoadedCase, pickSlices } from './benchCases';
import { InstrumentedModel, loadInstrumentedModel } from './instrumentedModel';
import { maxRssMb, withPeakMemory } from './peakMemory';

/** How the benchmark explains: one set of settings for every method, dataset and variant. */
export interface BenchSettings {
  mode: 'quick' | 'full';
  methods: MethodId[];
  /** Perturbed images per model call for every explanation (the CLI's default, 8). */
  batchSize: number;
  /** Occlusion window and stride (mm), the same for the full-image and ROI runs. */
  windowMm: number;
  strideMm: number;
  /** ROI occlusion's outside tiles, their size in windows (0 = the paper's blank outside). */
  outsideTileFactor: number;
  /** Their shape: grid squares or SLIC superpixels. */
  outsideTiles: OutsideTileShape;
  riseMasks: number;
  limeSamples: number;
  /** ROI of the ROI-guided variant: CLIP (the paper) or the model's own prediction. */
  roi: 'clip' | 'mask';
  /**
   * Its shape: the bounding box (default: the paper's ROI, whose table this reproduces) or the
   * region (the product's default; `--roi-shape mask`).
   */
  roiShape: RoiShape;
  fill: FillMode;
  target: TargetKind;
  seed: number;
  /** Slices explained per organ and subject (chosen from the ground truth, see pickSlices). */
  slicesPerOrgan: number;
  /** Liver slices of the CHAOS CT study (one study, so more slices than per MR subject). */
  ctSlices: number;
  /** Deletion/insertion curve steps (2·(steps + 1) passes per map). */
  deletionSteps: number;
  coarseToFine: boolean;
  coarseFactor: number;
  refineFraction: number;
  /** Batch sizes of the performance sweep. */
  sweepBatchSizes: number[];
  /** Occlusion window (= stride) of the sweep's explanation, full image. */
  sweepWindowMm: number;
  /** Timed runs of the bare session for the rows' overhead (each about a hundred passes, best counts). */
  bareRepeats: number;
  /** Sweep explanations per batch size, each followed by the bare session's repeats; best of each side. */
  sweepRepeats: number;
  /**
   * Timed runs of each explanation, the variants of a method in turns (full, ROI, full, ROI, …);
   * each keeps its fastest run (the maps are the same every run). A burst of other load on a
   * shared machine then does not decide a ROI-vs-full ratio.
   */
  timingRepeats: number;
}

export function defaultSettings(mode: 'quick' | 'full'): BenchSettings {
  const quick = mode === 'quick';
  return {
    mode,
    methods: ['occlusion', 'rise', 'lime'],
    batchSize: 8,
    windowMm: 20,
    // The claim's stride in both modes: at 20 mm the ROI's fixed costs (CLIP, outside tiles) dominate.
    strideMm: 10,
    outsideTileFactor: DEFAULT_OUTSIDE_TILE_FACTOR,
    outsideTiles: DEFAULT_OUTSIDE_TILES,
    riseMasks: quick ? 64 : 500,
    limeSamples: quick ? 64 : 300,
    roi: 'clip',
    roiShape: 'box',
    fill: 'min',
    target: 'sum',
    seed: 0,
    slicesPerOrgan: 1,
    ctSlices: quick ? 1 : 4,
    deletionSteps: quick ? 16 : 32,
    coarseToFine: true,
    coarseFactor: 2,
    refineFraction: 0.5,
    sweepBatchSizes: quick ? [1, 8] : [1, 2, 4, 8, 16],
    sweepWindowMm: 40,
    bareRepeats: quick ? 2 : 3,
    sweepRepeats: 3,
    timingRepeats: quick ? 2 : 1,
  };
}

export type BenchMethod = MethodId | 'occlusion-c2f';
export type Variant = 'full' | 'roi';
type Score = { dice: number; iou: number };

/** One explanation of one slice. */
export interface BenchUnit {
  dataset: string;
  subject?: string;
  organ: string;
  slice: number;
  method: BenchMethod;
  variant: Variant;
  passes: number;
  calls: number;
  /** ROI + explanation. */
  wallMs: number;
  /** The explanation alone (explainVolume). */
  explainMs: number;
  roiMs: number;
  /** CPU time of the process (all threads) during ROI + explanation: steadier than wall time on a shared machine. */
  cpuMs: number;
  /** Time inside the segmenter's ONNX Runtime session during the explanation, and the images it ran. */
  ortMs: number;
  ortImages: number;
  backend: string;
  roiSource: string;
  roiFallback?: string;
  /** Share of the slice the ROI covers (1 for the full image). */
  roiFraction: number;
  otsu: Score;
  topGt: Score;
  deletionAuc: number;
  insertionAuc: number;
  /** ROI variants: the organ score's fall with everything outside the ROI replaced (`outsideRoiDrop`). */
  outsideRoiDrop: number | null;
  peakRssMb: number;
  methodOptions: object;
}

/** One line of the paper's table: a method and variant on one dataset and organ, over its slices. */
export interface BenchRow {
  dataset: string;
  organ: string;
  method: BenchMethod;
  variant: Variant;
  subjects: string[];
  slices: number;
  passes: number;
  calls: number;
  wallMs: number;
  explainMs: number;
  roiMs: number;
  cpuMs: number;
  msPerPass: number;
  ortMsPerPass: number;
  backend: string;
  batchSize: number;
  /** explainMs ÷ the time spent inside ONNX Runtime during it (same run, so robust to machine load). */
  ortOverhead: number;
  /** Dice and IoU of the Otsu-thresholded saliency vs the ground truth (mean over slices). */
  dice: number;
  iou: number;
  otsu: Score;
  topGt: Score;
  deletionAuc: number;
  insertionAuc: number;
  /** explainMs ÷ (passes × best bare time per pass at batchSize). */
  overhead: number;
  /** Mean over slices of the units' outsideRoiDrop (null for the full image). */
  outsideRoiDrop: number | null;
  peakRssMb: number;
  roiSource: string;
  roiFraction: number;
  methodOptions: object;
  notes: string[];
}

export interface Comparison {
  dataset: string;
  organ: string;
  method: MethodId;
  /** (ROI − full) / full; runtime on wall time (ROI localisation included). */
  runtimeChange: number;
  /** The same on the process's CPU time. */
  cpuTimeChange: number;
  passesChange: number;
  diceChange: number;
  iouChange: number;
  topGtDiceChange: number;
  topGtIouChange: number;
  /** ROI − full (lower deletion and higher insertion are better). */
  deletionAucDelta: number;
  insertionAucDelta: number;
  /** The ROI row's outsideRoiDrop: how much the model uses context outside the ROI. */
  outsideRoiDrop: number | null;
  wallRatio: number;
}

export interface CoarseToFineComparison {
  dataset: string;
  organ: string;
  slices: number;
  plainPasses: number;
  coarseToFinePasses: number;
  plainExplainMs: number;
  coarseToFineExplainMs: number;
  /** IoU of the two maps' top-|GT| voxels, mean over slices. */
  agreementTopGtIou: number;
  /** Pearson correlation of the two maps inside the ROI, mean over slices. */
  agreementPearson: number;
  refinedWindows: number;
  fineWindows: number;
}

export interface SweepPoint {
  batchSize: number;
  bareMsPerPass: number;
  engineMsPerPass: number;
  overhead: number;
  /** Time per pass inside ONNX Runtime during the explanation, and explanation ÷ that time. */
  ortMsPerPass: number;
  ortOverhead: number;
  passes: number;
  peakRssMb: number;
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface BenchResult {
  version: 1;
  mode: 'quick' | 'full';
  startedAt: string;
  totalMs: number;
  machine: { cpus: number; cpuModel: string; node: string; platform: string; loadAverage: number[] };
  settings: BenchSettings;
  thresholdProtocol: string;
  models: { dataset: string; path: string; name: string; version: string; backend: string }[];
  notes: string[];
  rows: BenchRow[];
  comparisons: Comparison[];
  paper: { runtimeChange: number; diceChange: number; iouChange: number; source: string };
  coarseToFine: CoarseToFineComparison[];
  performance: {
    dataset: string;
    backend: string;
    defaultBatchSize: number;
    /** The engine overhead at the default batch size (sweep explanation). */
    overhead: number;
    sweep: SweepPoint[];
    /** Peak resident memory of the whole run (MiB, from the OS). */
    maxRssMb: number;
    itemShape: number[];
  };
  checks: Check[];
  units: BenchUnit[];
}

export const PAPER = {
  runtimeChange: -0.6,
  diceChange: 0.446,
  iouChange: 0.967,
  source: 'XAI-CLIP (arXiv 2602.07017): ROI-guided vs conventional perturbation, mean over methods',
};

export const THRESHOLD_PROTOCOL =
  'Saliency is compared with the ground-truth organ mask on each explained slice (all its voxels). ' +
  'Negative saliency is clipped to 0. "dice"/"iou": the map binarised by Otsu’s threshold (no ground ' +
  'truth used); "topGt": the |GT| highest-saliency voxels (threshold-free relevance rank). Means over slices.';

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
  const modelOf = async (manifest: string) => {
    let model = models.get(manifest);
    if (!model) {
      model = await loadInstrumentedModel(manifest);
      models.set(manifest, model);
    }
    return model;
  };
  const units: BenchUnit[] = [];
  const c2f: (CoarseToFineComparison & { key: string })[] = [];
  let sweep: { dataset: string; model: InstrumentedModel; points: SweepPoint[] } | undefined;

  for (const benchCase of cases) {
    const model = await modelOf(benchCase.model);
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
        notes.push(
          `${benchCase.dataset} ${benchCase.subject ?? ''}: no slice shows ${organ.organ}; skipped.`,
        );
        continue;
      }
      for (const slice of slices) {
        if (!sweep) {
          sweep = {
            dataset: benchCase.dataset,
            model,
            points: await runSweep(model, data, organ, slice, settings, log),
          };
        }
        const context = { benchCase, data, organ, slice, model, settings, roiMode, log };
        for (const method of settings.methods) {
          const kinds: RunKind[] = [
            { method, variant: 'full', coarseToFine: false },
            { method, variant: 'roi', coarseToFine: false },
          ];
          if (method === 'occlusion' && settings.coarseToFine)
            kinds.push({ method, variant: 'roi', coarseToFine: true });
          const explained: PlainUnit[] = [];
          for (const run of await fastestRuns(context, kinds)) explained.push(await scoreRun(context, run));
          units.push(...explained.map((e) => e.unit));
          const [, roi, refined] = explained;
          if (refined) {
            c2f.push({
              key: `${benchCase.dataset}\n${organ.organ}`,
              ...compareCoarseToFine(context, roi, refined),
            });
          }
        }
      }
    }
  }
  if (!sweep) throw new Error('The benchmark found no slice to explain (no case shows its organs).');

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
  const rows = aggregateRows(units, settings, (dataset) => bare.get(manifestOf.get(dataset)!) ?? NaN);
  const comparisons = compare(rows);
  const coarseToFine = aggregateC2f(c2f);
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
    comparisons,
    paper: PAPER,
    coarseToFine,
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

interface UnitContext {
  benchCase: BenchCase;
  data: LoadedCase;
  organ: BenchOrgan;
  slice: number;
  model: InstrumentedModel;
  settings: BenchSettings;
  roiMode: 'clip' | 'mask';
  log: (line: string) => void;
}

/** One explanation to time: a method, its variant, and whether occlusion runs coarse-to-fine. */
interface RunKind {
  method: MethodId;
  variant: Variant;
  coarseToFine: boolean;
}

/** A timed explanation: its outcome and what it cost. */
interface TimedRun {
  kind: RunKind;
  explanation: Awaited<ReturnType<typeof runExplanation>>;
  /** ROI + explanation. */
  wallMs: number;
  cpuMs: number;
  /** ONNX Runtime time and images of the explanation alone (after the ROI step). */
  ortMs: number;
  ortImages: number;
  peakRssMb: number;
}

/** Runs `kinds` in turns `timingRepeats` times and keeps each one's fastest run. */
async function fastestRuns(context: UnitContext, kinds: RunKind[]): Promise<TimedRun[]> {
  const fastest: TimedRun[] = [];
  for (let repeat = 0; repeat < context.settings.timingRepeats; repeat++) {
    for (const [n, kind] of kinds.entries()) {
      const run = await timeRun(context, kind);
      if (!fastest[n] || run.wallMs < fastest[n].wallMs) fastest[n] = run;
    }
  }
  return fastest;
}

async function timeRun(context: UnitContext, kind: RunKind): Promise<TimedRun> {
  const { data, organ, slice, model, settings } = context;
  const { method, variant, coarseToFine } = kind;
  const request: ExplainRequest = {
    organ: organ.organ,
    method,
    roi: variant === 'full' ? 'none' : context.roiMode,
    roiShape: settings.roiShape,
    scope: 'slice',
    slice,
    windowMm: settings.windowMm,
    strideMm: settings.strideMm,
    outsideTileFactor: settings.outsideTileFactor,
    outsideTiles: settings.outsideTiles,
    samples: method === 'rise' ? settings.riseMasks : method === 'lime' ? settings.limeSamples : undefined,
    fill: settings.fill,
    target: settings.target,
    batchSize: settings.batchSize,
    seed: settings.seed,
    coarseToFine: coarseToFine && { factor: settings.coarseFactor, refineFraction: settings.refineFraction },
  };
  // ONNX Runtime time of the explanation alone (after the ROI step; the mask ROI runs the segmenter too).
  let stats = { ms: model.stats.runMs, items: model.stats.items };
  const begun = performance.now();
  const cpuBefore = process.cpuUsage();
  const { result: explanation, peakRssMb } = await withPeakMemory(() =>
    runExplanation(model.loaded, data.volume, request, {
      onStage: (stage) => {
        if (!stage.startsWith('Locating')) stats = { ms: model.stats.runMs, items: model.stats.items };
      },
    }),
  );
  const wallMs = performance.now() - begun;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind,
    explanation,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ortMs: model.stats.runMs - stats.ms,
    ortImages: model.stats.items - stats.items,
    peakRssMb,
  };
}

/** The benchmark's unit of a timed run: its cost, overlap with the ground truth and causal AUCs. */
async function scoreRun(context: UnitContext, run: TimedRun): Promise<PlainUnit> {
  const { benchCase, data, organ, slice, model } = context;
  const { kind, explanation, wallMs } = run;
  const { result } = explanation;
  const saliency = sliceData(result.saliency, slice);
  const image = asFloat32(sliceOf(data.volume, slice));
  const scores = await scoresOf(context, image, saliency, explanation.classIndex);
  // The fields every host reports alike (the viewer's card, report.json).
  const shared = reportOf(explanation, model.loaded, data.volume.dimensions);
  const unit: BenchUnit = {
    dataset: benchCase.dataset,
    subject: benchCase.subject,
    organ: organ.organ,
    slice,
    method: kind.coarseToFine ? 'occlusion-c2f' : kind.method,
    variant: kind.variant,
    passes: shared.passes,
    calls: shared.calls,
    wallMs: round(wallMs, 1),
    explainMs: shared.explainMs,
    roiMs: round(Math.max(0, wallMs - shared.explainMs), 1),
    cpuMs: round(run.cpuMs, 1),
    ortMs: round(run.ortMs, 1),
    ortImages: run.ortImages,
    backend: shared.backend,
    roiSource: shared.roi.source,
    roiFallback: shared.roi.fallbackReason,
    roiFraction: shared.roi.fraction,
    ...scores,
    outsideRoiDrop: nullable(shared.outsideRoiDrop),
    peakRssMb: round(run.peakRssMb, 1),
    methodOptions: shared.methodOptions,
  };
  context.log(
    `${benchCase.dataset}${benchCase.subject ? ` ${benchCase.subject}` : ''} ${organ.organ} slice ${slice} ` +
      `${unit.method} ${kind.variant}: ${unit.passes} passes, ${(wallMs / 1000).toFixed(1)} s, ` +
      `Dice ${unit.otsu.dice.toFixed(3)}, deletion AUC ${unit.deletionAuc.toFixed(3)}`,
  );
  return { unit, roi: explanation.roi, saliency, classIndex: explanation.classIndex };
}

interface PlainUnit {
  unit: BenchUnit;
  roi?: Roi;
  saliency: Float32Array;
  classIndex: number;
}

/** Coarse-to-fine occlusion against plain occlusion over the same ROI: cost and agreement of the maps. */
function compareCoarseToFine(
  context: UnitContext,
  plain: PlainUnit,
  refined: PlainUnit,
): CoarseToFineComparison {
  const { data, organ, slice } = context;
  const truth = truthOf(data.labels, slice, organ.labelValue);
  const count = truth.reduce((sum, t) => sum + t, 0);
  const top = (map: Float32Array) =>
    binarize(
      map.map((v) => Math.max(0, v)),
      { kind: 'topCount', count },
    );
  const report = (refined.unit.methodOptions as { coarseToFine: CoarseToFineReport }).coarseToFine;
  return {
    dataset: context.benchCase.dataset,
    organ: organ.organ,
    slices: 1,
    plainPasses: plain.unit.passes,
    coarseToFinePasses: refined.unit.passes,
    plainExplainMs: plain.unit.explainMs,
    coarseToFineExplainMs: refined.unit.explainMs,
    agreementTopGtIou: round(overlap(top(plain.saliency), top(refined.saliency)).iou, 4),
    agreementPearson: pearson(plain.saliency, refined.saliency, data.volume.dimensions[0], plain.roi?.box),
    refinedWindows: report.refinedWindows,
    fineWindows: report.fineWindows,
  };
}

/** Otsu and top-|GT| overlap with the organ's ground truth, and deletion/insertion AUC, on one slice. */
async function scoresOf(
  context: UnitContext,
  image: Volume<Float32Array>,
  saliency: Float32Array,
  classIndex: number,
): Promise<Pick<BenchUnit, 'otsu' | 'topGt' | 'deletionAuc' | 'insertionAuc'>> {
  const { data, organ, slice, model, settings } = context;
  const { otsu, topGt } = saliencyOverlap(saliency, truthOf(data.labels, slice, organ.labelValue));
  const predictor = await model.loaded.segmenter.bind(image);
  const baseline = await predictor.predict(image.data, 1);
  const mask = predictedMask(baseline, predictor.classNames.length, predictor.outputSize, classIndex);
  if (!mask.some((m) => m)) return { otsu, topGt, deletionAuc: NaN, insertionAuc: NaN };
  const target = organScoreTarget(classIndex, mask, predictor.outputSize, settings.target);
  const curves = await deletionInsertion(
    predictor,
    image.data,
    saliency,
    target,
    { deletion: makeSubstrate(image, settings.fill), insertion: makeSubstrate(image, 'blur') },
    {
      steps: settings.deletionSteps,
      batchSize: settings.batchSize,
      seed: settings.seed,
      tracker: new ProgressTracker(2 * (settings.deletionSteps + 1)),
    },
  );
  return { otsu, topGt, deletionAuc: curves.deletionAuc, insertionAuc: curves.insertionAuc };
}

/**
 * Engine overhead per batch size: a full-image occlusion (window = stride = sweepWindowMm) timed
 * per pass, against the bare session's time per pass at the same batch size. The two are measured
 * in turns, `sweepRepeats` times, and each side keeps its best: on a shared machine a burst of
 * other load then hits both sides alike instead of only the longer engine run.
 */
async function runSweep(
  model: InstrumentedModel,
  data: LoadedCase,
  organ: BenchOrgan,
  slice: number,
  settings: BenchSettings,
  log: (line: string) => void,
): Promise<SweepPoint[]> {
  const sizes = [...new Set([...settings.sweepBatchSizes, settings.batchSize])].sort((a, b) => a - b);
  const points: SweepPoint[] = [];
  // One small untimed run first: the first session runs of a process are slower (allocation, caches).
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
  await runExplanation(model.loaded, data.volume, request(settings.batchSize, 2 * settings.sweepWindowMm));
  for (const batchSize of sizes) {
    let best: { wallMs: number; ortMs: number; passes: number; peakRssMb: number } | undefined;
    let bareMsPerPass = Infinity;
    for (let repeat = 0; repeat < settings.sweepRepeats; repeat++) {
      const ortBefore = model.stats.runMs;
      const { result, peakRssMb } = await withPeakMemory(() =>
        runExplanation(model.loaded, data.volume, request(batchSize)),
      );
      const { wallMs, passes } = result.result;
      if (!best || wallMs < best.wallMs)
        best = { wallMs, ortMs: model.stats.runMs - ortBefore, passes, peakRssMb };
      // As many bare calls as the explanation made, back to back: two runs of equal length.
      const calls = Math.ceil(passes / batchSize);
      bareMsPerPass = Math.min(bareMsPerPass, await model.bareMsPerPass(batchSize, calls, 1));
    }
    const { wallMs, ortMs, passes, peakRssMb } = best!;
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
        `overhead ${(engineMsPerPass / bareMsPerPass).toFixed(2)} (${(wallMs / ortMs).toFixed(2)} vs its own ONNX Runtime time; best of ${settings.sweepRepeats})`,
    );
  }
  return points;
}

function aggregateRows(
  units: BenchUnit[],
  settings: BenchSettings,
  bareOf: (dataset: string) => number,
): BenchRow[] {
  const groups = new Map<string, BenchUnit[]>();
  for (const unit of units) {
    const key = [unit.dataset, unit.organ, unit.method, unit.variant].join('\n');
    groups.set(key, [...(groups.get(key) ?? []), unit]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0];
    const sum = (pick: (u: BenchUnit) => number) => group.reduce((total, u) => total + pick(u), 0);
    const mean = (pick: (u: BenchUnit) => number) => {
      const values = group.map(pick).filter((v) => Number.isFinite(v));
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
    };
    const passes = sum((u) => u.passes);
    const explainMs = sum((u) => u.explainMs);
    const ortImages = sum((u) => u.ortImages);
    const otsu = { dice: mean((u) => u.otsu.dice), iou: mean((u) => u.otsu.iou) };
    const topGt = { dice: mean((u) => u.topGt.dice), iou: mean((u) => u.topGt.iou) };
    const fallbacks = [...new Set(group.flatMap((u) => (u.roiFallback ? [u.roiFallback] : [])))];
    return {
      dataset: first.dataset,
      organ: first.organ,
      method: first.method,
      variant: first.variant,
      subjects: [...new Set(group.flatMap((u) => (u.subject ? [u.subject] : [])))],
      slices: group.length,
      passes,
      calls: sum((u) => u.calls),
      wallMs: round(
        sum((u) => u.wallMs),
        1,
      ),
      explainMs,
      roiMs: round(
        sum((u) => u.roiMs),
        1,
      ),
      cpuMs: round(
        sum((u) => u.cpuMs),
        1,
      ),
      msPerPass: round(explainMs / passes, 2),
      ortMsPerPass: round(ortImages ? sum((u) => u.ortMs) / ortImages : NaN, 2),
      ortOverhead: round(explainMs / sum((u) => u.ortMs), 3),
      backend: first.backend,
      batchSize: settings.batchSize,
      dice: round(otsu.dice, 4),
      iou: round(otsu.iou, 4),
      otsu: { dice: round(otsu.dice, 4), iou: round(otsu.iou, 4) },
      topGt: { dice: round(topGt.dice, 4), iou: round(topGt.iou, 4) },
      deletionAuc: round(
        mean((u) => u.deletionAuc),
        4,
      ),
      insertionAuc: round(
        mean((u) => u.insertionAuc),
        4,
      ),
      overhead: round(explainMs / (passes * bareOf(first.dataset)), 3),
      outsideRoiDrop: nullable(
        round(
          mean((u) => u.outsideRoiDrop ?? NaN),
          4,
        ),
      ),
      peakRssMb: Math.max(...group.map((u) => u.peakRssMb)),
      roiSource: first.roiSource,
      roiFraction: round(
        mean((u) => u.roiFraction),
        3,
      ),
      methodOptions: first.methodOptions,
      notes: fallbacks.map((reason) => `ROI fell back to the whole image: ${reason}`),
    };
  });
}

function compare(rows: BenchRow[]): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const roi of rows.filter((r) => r.variant === 'roi' && r.method !== 'occlusion-c2f')) {
    const full = rows.find(
      (r) =>
        r.variant === 'full' && r.dataset === roi.dataset && r.organ === roi.organ && r.method === roi.method,
    );
    if (!full) continue;
    const change = (a: number, b: number) => round(b !== 0 ? (a - b) / Math.abs(b) : NaN, 4);
    comparisons.push({
      dataset: roi.dataset,
      organ: roi.organ,
      method: roi.method as MethodId,
      runtimeChange: change(roi.wallMs, full.wallMs),
      cpuTimeChange: change(roi.cpuMs, full.cpuMs),
      passesChange: change(roi.passes, full.passes),
      diceChange: change(roi.dice, full.dice),
      iouChange: change(roi.iou, full.iou),
      topGtDiceChange: change(roi.topGt.dice, full.topGt.dice),
      topGtIouChange: change(roi.topGt.iou, full.topGt.iou),
      deletionAucDelta: round(roi.deletionAuc - full.deletionAuc, 4),
      insertionAucDelta: round(roi.insertionAuc - full.insertionAuc, 4),
      outsideRoiDrop: roi.outsideRoiDrop,
      wallRatio: round(roi.wallMs / full.wallMs, 4),
    });
  }
  return comparisons;
}

function aggregateC2f(entries: (CoarseToFineComparison & { key: string })[]): CoarseToFineComparison[] {
  const groups = new Map<string, (CoarseToFineComparison & { key: string })[]>();
  for (const entry of entries) groups.set(entry.key, [...(groups.get(entry.key) ?? []), entry]);
  return [...groups.values()].map((group) => {
    const sum = (pick: (c: CoarseToFineComparison) => number) => group.reduce((t, c) => t + pick(c), 0);
    return {
      dataset: group[0].dataset,
      organ: group[0].organ,
      slices: group.length,
      plainPasses: sum((c) => c.plainPasses),
      coarseToFinePasses: sum((c) => c.coarseToFinePasses),
      plainExplainMs: sum((c) => c.plainExplainMs),
      coarseToFineExplainMs: sum((c) => c.coarseToFineExplainMs),
      agreementTopGtIou: round(sum((c) => c.agreementTopGtIou) / group.length, 4),
      agreementPearson: round(sum((c) => c.agreementPearson) / group.length, 4),
      refinedWindows: sum((c) => c.refinedWindows),
      fineWindows: sum((c) => c.fineWindows),
    };
  });
}

/** The issue's acceptance claims, evaluated on this run (first dataset with occlusion: the CT liver). */
function checksOf(result: BenchResult): Check[] {
  const checks: Check[] = [];
  const dataset = result.rows.find((r) => r.method === 'occlusion')?.dataset;
  const organ = result.rows.find((r) => r.method === 'occlusion')?.organ;
  const pick = (variant: Variant, method: BenchMethod = 'occlusion') =>
    result.rows.find(
      (r) => r.dataset === dataset && r.organ === organ && r.method === method && r.variant === variant,
    );
  const full = pick('full');
  const roi = pick('roi');
  if (full && roi) {
    const ratio = roi.wallMs / full.wallMs;
    checks.push({
      name: `${dataset} ${organ}: ROI occlusion wall time ≤ 40 % of full`,
      pass: ratio <= 0.4,
      detail:
        `${(100 * ratio).toFixed(1)} % (${fmtMs(roi.wallMs)} vs ${fmtMs(full.wallMs)}; CPU time ${(100 * (roi.cpuMs / full.cpuMs)).toFixed(1)} %; ` +
        `${roi.passes} vs ${full.passes} passes; window ${result.settings.windowMm} mm, stride ${result.settings.strideMm} mm)`,
    });
    checks.push({
      name: `${dataset} ${organ}: ROI occlusion Dice and IoU (Otsu) above full`,
      pass: roi.dice > full.dice && roi.iou > full.iou,
      detail: `Dice ${roi.dice.toFixed(3)} vs ${full.dice.toFixed(3)}, IoU ${roi.iou.toFixed(3)} vs ${full.iou.toFixed(3)}`,
    });
    checks.push({
      name: `${dataset} ${organ}: ROI occlusion Dice and IoU (top-|GT|) above full`,
      pass: roi.topGt.dice > full.topGt.dice && roi.topGt.iou > full.topGt.iou,
      detail: `Dice ${roi.topGt.dice.toFixed(3)} vs ${full.topGt.dice.toFixed(3)}, IoU ${roi.topGt.iou.toFixed(3)} vs ${full.topGt.iou.toFixed(3)}`,
    });
    checks.push({
      name: `${dataset} ${organ}: ROI occlusion deletion AUC not worse (≤ full)`,
      pass: roi.deletionAuc <= full.deletionAuc,
      detail: `${roi.deletionAuc.toFixed(4)} vs ${full.deletionAuc.toFixed(4)} (lower is better)`,
    });
  }
  checks.push({
    name: `engine overhead ≤ 1.25 at the default batch size ${result.settings.batchSize} (sweep)`,
    pass: result.performance.overhead <= 1.25,
    detail: `${result.performance.overhead.toFixed(3)} on ${result.performance.backend} (${
      result.performance.sweep
        .find((p) => p.batchSize === result.settings.batchSize)
        ?.ortOverhead.toFixed(3) ?? '–'
    } against its own time inside ONNX Runtime)`,
  });
  for (const c of result.coarseToFine) {
    checks.push({
      name: `${c.dataset} ${c.organ}: coarse-to-fine occlusion agrees with ROI occlusion (top-|GT| IoU ≥ 0.7) in fewer passes`,
      pass: c.agreementTopGtIou >= 0.7 && c.coarseToFinePasses < c.plainPasses,
      detail: `IoU ${c.agreementTopGtIou.toFixed(3)}, ${c.coarseToFinePasses} vs ${c.plainPasses} passes`,
    });
  }
  return checks;
}

function truthOf(labels: Volume, slice: number, labelValue: number): Uint8Array {
  const plane = labels.dimensions[0] * labels.dimensions[1];
  const out = new Uint8Array(plane);
  for (let v = 0; v < plane; v++) out[v] = labels.data[slice * plane + v] === labelValue ? 1 : 0;
  return out;
}

function sliceData(volume: Volume<Float32Array>, slice: number): Float32Array {
  const plane = volume.dimensions[0] * volume.dimensions[1];
  return volume.data.slice(slice * plane, (slice + 1) * plane);
}

/** Pearson correlation of two maps over a box of the slice (the ROI). */
function pearson(a: Float32Array, b: Float32Array, nx: number, box: Box | undefined): number {
  const values: [number, number][] = [];
  for (let v = 0; v < a.length; v++) {
    if (box) {
      const i = v % nx;
      const j = Math.floor(v / nx);
      if (i < box.min[0] || i >= box.max[0] || j < box.min[1] || j >= box.max[1]) continue;
    }
    values.push([a[v], b[v]]);
  }
  const n = values.length;
  const ma = values.reduce((s, [x]) => s + x, 0) / n;
  const mb = values.reduce((s, [, y]) => s + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (const [x, y] of values) {
    sab += (x - ma) * (y - mb);
    saa += (x - ma) ** 2;
    sbb += (y - mb) ** 2;
  }
  return round(saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN, 4);
}

/** JSON has no NaN: a missing figure is null. */
function nullable(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value;
}

function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function fmtMs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
