import { FillMode, MethodId, METHODS, OutsideTileShape, RoiShape, TargetKind } from '@xai-clip/engine';
import {
  FAITHFULNESS_STEPS,
  LARGEST_AUTO_BATCH,
  REQUEST_DEFAULTS,
  ResolvedRequest,
  resolveRequest,
} from '@xai-clip/runtime';

export type BenchMode = 'quick' | 'full';

/** How the benchmark explains: one set of settings for every method, dataset and variant. */
export interface BenchSettings {
  mode: BenchMode;
  methods: MethodId[];
  /** Perturbed images per model call for every explanation (the request default). */
  batchSize: number;
  /** Occlusion window and stride (mm), the same for the full-image and ROI runs. */
  windowMm: number;
  strideMm: number;
  /** ROI occlusion's outside tiles, their size in windows (0 = the paper's blank outside). */
  outsideTileFactor: number;
  /** Their shape: grid squares or SLIC superpixels. */
  outsideTiles: OutsideTileShape;
  /** RISE masks and LIME samples when their per-cell / per-feature budget below is 0 (`--rise-masks`, `--lime-samples`). */
  riseMasks: number;
  limeSamples: number;
  /**
   * Like-for-like budgets: RISE's mask cells are `riseCellMm` on a side in both variants (method
   * option cellMm; the paper's fixed cell count would give the full image 3× coarser cells than a
   * kidney box), and each run gets `riseMasksPerCell` masks per cell (masksPerCell), so the full
   * image, with more cells, gets proportionally more masks.
   */
  riseCellMm: number;
  riseMasksPerCell: number;
  /**
   * LIME samples per feature in both variants (samplesPerFeature): both cut the same superpixels
   * (the whole image's, the ROI's clipped at its edge), and the full image, with more of them, gets
   * proportionally more samples.
   */
  limeSamplesPerFeature: number;
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
  /** Slices explained per organ and subject (chosen from the model's prediction, see pickSlices). */
  slicesPerOrgan: number;
  /** Liver slices of the CHAOS CT study (one patient, so more slices than per MR subject). */
  ctSlices: number;
  /** Deletion/insertion curve steps up to 3 × the predicted organ (1 + 2·(steps + 1) passes per map). */
  deletionSteps: number;
  coarseToFine: boolean;
  coarseFactor: number;
  refineFraction: number;
  /**
   * The slab comparison (compareSlab) on the first case and organ: this many slices around its
   * first slice (quick: a narrow slab), 'organ' for the organ's whole slab, 0 for none.
   */
  slabSlices: number | 'organ';
  /** The fast slab run's slice stride (the viewer's default). */
  slabStride: number | 'auto';
  /** Batch sizes of the performance sweep. */
  sweepBatchSizes: number[];
  /** Occlusion window (= stride) of the sweep's explanation, full image. */
  sweepWindowMm: number;
  /** Timed runs of the bare session for the rows' overhead (each about a hundred passes, best counts). */
  bareRepeats: number;
  /** Sweep explanations per batch size, each followed by a bare run of as many calls; the median pair counts. */
  sweepRepeats: number;
  /**
   * Timed runs of each explanation, the variants of a method in turns (full, ROI, full, ROI, …);
   * each keeps its fastest run (the maps are the same every run). A burst of other load on a
   * shared machine then does not decide a ROI-vs-full ratio.
   */
  timingRepeats: number;
  /**
   * Each map is also explained on the model with every layer randomised, for its rank correlation
   * with the map (one more explanation per unit; `--no-randomisation` skips it).
   */
  randomisation: boolean;
  /** Values of the methods' declared parameters (`--method-option rise.gridSize=4`); unset: their defaults. */
  methodOptions: { [M in MethodId]?: Record<string, string> };
}

/** An occlusion request of the ROI variant, as every host resolves it (resolveRequest; no organ is looked up). */
function resolvedOcclusion(windowMm?: number, strideMm?: number): ResolvedRequest {
  return resolveRequest({ organ: '', method: 'occlusion', roi: 'clip', scope: 'slice', windowMm, strideMm });
}

/** An occlusion grid as every host resolves it: the method's default window, a stride of half the window. */
export function occlusionGrid(windowMm?: number, strideMm?: number): { windowMm: number; strideMm: number } {
  const resolved = resolvedOcclusion(windowMm, strideMm);
  return { windowMm: resolved.windowMm!, strideMm: resolved.strideMm! };
}

/**
 * The benchmark's settings. Whatever is a request default (window, stride, outside tiles, fill,
 * target, batch, seed, coarse-to-fine) comes from resolveRequest; the rest is the benchmark's own:
 * the paper's box ROI, sample budgets and slice counts per mode.
 */
export function defaultSettings(mode: BenchMode): BenchSettings {
  const quick = mode === 'quick';
  const request = resolvedOcclusion();
  return {
    mode,
    methods: Object.keys(METHODS) as MethodId[],
    // The sweep's baseline: the largest size an auto batch tries (the request's default is 'auto').
    batchSize: LARGEST_AUTO_BATCH,
    // The request's grid (20 mm every 10 mm, the claim's) in both modes: at a coarser stride the
    // ROI's fixed costs (CLIP, outside tiles) dominate.
    windowMm: request.windowMm!,
    strideMm: request.strideMm!,
    outsideTileFactor: request.outsideTileFactor!,
    outsideTiles: request.outsideTiles!,
    riseMasks: quick ? 64 : 500,
    limeSamples: quick ? 64 : 300,
    // 20 mm: occlusion's window. 8 masks per cell: what the paper's 8 × 8 grid got from 500 masks.
    riseCellMm: quick ? 40 : 20,
    riseMasksPerCell: quick ? 2 : 8,
    // About what 300 samples gave the ROI's 49–147 superpixels (2–6 each).
    limeSamplesPerFeature: quick ? 0.5 : 4,
    roi: 'clip',
    roiShape: 'box',
    fill: request.fill,
    target: request.target,
    seed: request.seed,
    // Full: ≥ 20 slices per organ (5 in each of the 4 held-out MR subjects; 20 of the CT patient).
    slicesPerOrgan: quick ? 1 : 5,
    ctSlices: quick ? 1 : 20,
    deletionSteps: FAITHFULNESS_STEPS,
    coarseToFine: true,
    coarseFactor: REQUEST_DEFAULTS.coarseFactor,
    refineFraction: REQUEST_DEFAULTS.refineFraction,
    slabSlices: quick ? 5 : 'organ',
    slabStride: 'auto',
    sweepBatchSizes: quick ? [1, 8] : [1, 2, 4, 8, 16],
    sweepWindowMm: 40,
    bareRepeats: quick ? 2 : 3,
    sweepRepeats: 3,
    timingRepeats: quick ? 2 : 1,
    randomisation: true,
    methodOptions: {},
  };
}

/**
 * What each setting does to a stored slice (`bench --store`), in one place:
 * - 'maps': it changes a unit's maps or scores (or its counted passes and calls), so it is part of
 *   the settings key and a store line made under another value is not reused;
 * - 'performance': it only changes timing figures or the run-level sweep and slab, never a unit;
 * - 'scope': it changes which slices a run covers (each stored line names its slice) or is only a
 *   name for defaults that are classified on their own (mode).
 * A Record over every key: adding a setting without classifying it does not compile (and
 * test/bench/benchStore.test.ts fails).
 */
export const SETTING_ROLES: Record<keyof BenchSettings, 'maps' | 'performance' | 'scope'> = {
  mode: 'scope',
  methods: 'maps',
  batchSize: 'maps',
  windowMm: 'maps',
  strideMm: 'maps',
  outsideTileFactor: 'maps',
  outsideTiles: 'maps',
  riseMasks: 'maps',
  limeSamples: 'maps',
  riseCellMm: 'maps',
  riseMasksPerCell: 'maps',
  limeSamplesPerFeature: 'maps',
  roi: 'maps',
  roiShape: 'maps',
  fill: 'maps',
  target: 'maps',
  seed: 'maps',
  slicesPerOrgan: 'scope',
  ctSlices: 'scope',
  deletionSteps: 'maps',
  coarseToFine: 'maps',
  coarseFactor: 'maps',
  refineFraction: 'maps',
  slabSlices: 'performance',
  slabStride: 'performance',
  sweepBatchSizes: 'performance',
  sweepWindowMm: 'performance',
  bareRepeats: 'performance',
  sweepRepeats: 'performance',
  timingRepeats: 'performance',
  randomisation: 'maps',
  methodOptions: 'maps',
};

/** JSON with every object's keys sorted: the same settings give the same text whatever order they were set in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The settings key of a stored slice: every 'maps' setting (SETTING_ROLES), as canonical JSON. */
export function settingsKey(settings: BenchSettings): string {
  const keyed = Object.fromEntries(
    Object.entries(settings).filter(([name]) => SETTING_ROLES[name as keyof BenchSettings] === 'maps'),
  );
  return canonicalJson(keyed);
}
