// What the benchmark writes (`--json`): a run's units, rows, comparisons, performance and checks.
import { MethodId } from '@xai-clip/engine';
import { BenchMode, BenchSettings } from './settings';

export type BenchMethod = MethodId | 'occlusion-c2f';
export type Variant = 'full' | 'roi';
import { Interval } from './stats/bootstrapInterval';
import { PairedComparison } from './stats/pairedComparison';

export type Score = { dice: number; iou: number };
export type OverlapScores = { otsu: Score; topGt: Score };

/** An ROI map's controls (roiControls): what the overlap is without the explainer. */
export interface RoiControls {
  /** (a) The full run's map masked by the ROI post hoc. */
  maskedFull: OverlapScores;
  /** (b) The ROI indicator alone. */
  roiIndicator: OverlapScores;
  /** (c) A seeded random map masked by the ROI. */
  maskedRandom: OverlapScores;
}
export type ControlName = keyof RoiControls;

/** A sanity map of one slice scored with the explanations' deletion/insertion (scoreSanityMaps). */
export interface SanityUnit {
  dataset: string;
  subject?: string;
  organ: string;
  slice: number;
  map: 'predicted-mask' | 'random' | 'roi-indicator';
  deletionAuc: number;
  insertionAuc: number;
  insertionStart: number;
}

/** One explanation of one slice. */
export interface BenchUnit {
  dataset: string;
  subject?: string;
  organ: string;
  slice: number;
  method: BenchMethod;
  variant: Variant;
  /** Forward passes run. */
  passes: number;
  /** Perturbations not run: they left the network input unperturbed (drop 0, same map). */
  skippedPasses: number;
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
  /** Normalised deletion/insertion AUC (normalisedCausalAuc; steps to 3 × the predicted organ). */
  deletionAuc: number;
  insertionAuc: number;
  /** The insertion curve's start (organ score on the blurred slice ÷ the original's). */
  insertionStart: number;
  /** ROI variants: the controls of its Dice/IoU. */
  controls?: RoiControls;
  /** ROI variants: the organ score's fall with everything outside the ROI replaced (`outsideRoiDrop`). */
  outsideRoiDrop: number | null;
  peakRssMb: number;
  methodOptions: object;
  /** LIME: its linear surrogate's held-out R² (5-fold, kernel-weighted; report.json's surrogateR2); null for the others. */
  surrogateR2: number | null;
  /** Pointing game: whether the map's maximum lies in the predicted organ (slice). */
  pointingHit: boolean;
  /**
   * Spearman r of the map with the same explanation of the model with every layer randomised
   * (explained voxels); null when not run (settings.randomisation off, a model without layers) or a map is flat.
   */
  randomisationSpearman: number | null;
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
  skippedPasses: number;
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
  insertionStart: number;
  /** ROI rows: the controls' means over slices; null for full rows. */
  controls: RoiControls | null;
  /** explainMs ÷ (passes × best bare time per pass at batchSize). */
  overhead: number;
  /** Mean over slices of the units' outsideRoiDrop (null for the full image). */
  outsideRoiDrop: number | null;
  peakRssMb: number;
  roiSource: string;
  roiFraction: number;
  methodOptions: object;
  /** Mean over slices of the units' surrogateR2 (LIME; null for the other methods). */
  surrogateR2: number | null;
  /** Share of slices whose map's maximum lies in the predicted organ (pointing game). */
  pointingGame: number;
  /** Mean over slices of the units' randomisationSpearman (null where none was measured). */
  randomisationSpearman: number | null;
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
  /** Per-slice paired differences ROI − full: mean, bootstrap 95 % interval, Wilcoxon p, verdict. */
  vsFull: Record<PairedMetric, PairedComparison>;
  /** ROI − each control, per overlap metric. */
  vsControls: Record<ControlName, Record<OverlapMetric, PairedComparison>>;
  /** Overlap metrics where the ROI run wins against the full run and against every control (by the interval). */
  gains: OverlapMetric[];
}

export type OverlapMetric = 'otsuDice' | 'otsuIou' | 'topGtDice' | 'topGtIou';
export type PairedMetric = OverlapMetric | 'deletionAuc' | 'insertionAuc';

/** A sanity map's figures over the slices of a dataset and organ: means and bootstrap 95 % intervals. */
export interface SanityRow {
  dataset: string;
  organ: string;
  map: SanityUnit['map'];
  slices: number;
  deletionAuc: Interval;
  insertionAuc: Interval;
  insertionStart: number;
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

/** An organ slab explained exhaustively and the viewer's fast way (compareSlab). */
export interface SlabComparison {
  dataset: string;
  organ: string;
  /** Slices of the slab (the ROI's), and those the fast run interpolated. */
  slices: number;
  interpolatedSlices: number;
  exhaustivePasses: number;
  fastPasses: number;
  /** ROI + explanation. */
  exhaustiveWallMs: number;
  fastWallMs: number;
  /** IoU of the two maps' top-|GT| voxels over the slab. */
  agreementTopGtIou: number;
  /** Pearson r of the two maps over the slab. */
  agreementPearson: number;
  /** Each map's top-|GT| voxels against the ground truth (IoU). */
  exhaustiveTopGtIou: number;
  fastTopGtIou: number;
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
  /** Stable id (checks.ts), e.g. "roi-occlusion-wall-time". */
  id: string;
  name: string;
  pass: boolean;
  detail: string;
}

export interface BenchResult {
  version: 1;
  mode: BenchMode;
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
  /** The first case and organ's slab, when the run compares one (settings.slabSlices). */
  slab?: SlabComparison;
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
  /** The sanity maps of every slice, and their rows per dataset and organ. */
  sanity: { units: SanityUnit[]; rows: SanityRow[] };
  /** The per-slice store of a run with `--store` (BenchStore): what it reused and what it did not. */
  store?: {
    path: string;
    /** Slices taken from the store (their timing figures are from the run that stored them). */
    reusedSlices: number;
    /** Slices explained in this run (and appended). */
    explainedSlices: number;
    /** Store lines not used: made with other settings, another model, or not readable. */
    ignoredLines: { otherSettings: number; otherModel: number; otherVersion: number; malformed: number };
  };
}
