import {
  BenchResult,
  BenchRow,
  Check,
  CoarseToFineComparison,
  Comparison,
  SanityUnit,
  SlabComparison,
  SweepPoint,
} from './schema';
import { pairedComparison, PairedComparison } from './stats/pairedComparison';
import { signedWithInterval, withInterval } from './numbers';

/** The figures a check reads, with the dataset and organ (or the part of the run) they are about. */
interface Subject<T> {
  label: string;
  figures: T;
}

/** One acceptance claim of the issue, as data: which figures it reads, what must hold, what to show. */
export interface CheckSpec<T> {
  id: string;
  claim: string;
  /** Its subjects in a run: none when the run has no such figures (the check is then not reported). */
  subjects: (result: BenchResult) => Subject<T>[];
  holds: (figures: T) => boolean;
  detail: (figures: T) => string;
}

/** A method's full-image and ROI rows on one dataset and organ, with their paired comparison. */
interface VariantPair {
  full: BenchRow;
  roi: BenchRow;
  comparison?: Comparison;
  windowMm: number;
  strideMm: number;
}

/** The sanity maps' deletion AUC, random − predicted-mask indicator, paired per slice. */
interface Separation {
  deletion: PairedComparison;
  insertion: PairedComparison;
}

const ROI_OCCLUSION_MAX_WALL_SHARE = 0.4;
const MAX_ENGINE_OVERHEAD = 1.25;
const MIN_COARSE_TO_FINE_AGREEMENT = 0.7;
const MIN_SLAB_AGREEMENT = 0.8;

/** Occlusion's full and ROI rows of the first dataset and organ with occlusion (the CHAOS CT liver). */
function occlusionPair(result: BenchResult): Subject<VariantPair>[] {
  const first = result.rows.find((r) => r.method === 'occlusion');
  const pick = (variant: string) =>
    result.rows.find(
      (r) =>
        r.dataset === first?.dataset &&
        r.organ === first.organ &&
        r.method === 'occlusion' &&
        r.variant === variant,
    );
  const [full, roi] = [pick('full'), pick('roi')];
  if (!full || !roi) return [];
  const { windowMm, strideMm } = result.settings;
  const comparison = result.comparisons.find(
    (c) => c.dataset === full.dataset && c.organ === full.organ && c.method === 'occlusion',
  );
  return [{ label: `${full.dataset} ${full.organ}`, figures: { full, roi, comparison, windowMm, strideMm } }];
}

/**
 * Whether the causal metric tells a map that knows the model's answer (the predicted-mask indicator)
 * from a random one, over every slice of the run: random − indicator per slice (deletion: the random
 * order keeps more of the score, so > 0; insertion: it restores less, so < 0).
 */
function indicatorVsRandom(result: BenchResult): Subject<Separation>[] {
  const units = result.sanity?.units ?? [];
  const key = (u: SanityUnit) => [u.dataset, u.subject, u.organ, u.slice].join('\n');
  const indicator = new Map(units.filter((u) => u.map === 'predicted-mask').map((u) => [key(u), u]));
  const pairs = units
    .filter((u) => u.map === 'random' && indicator.has(key(u)))
    .map((u) => [u, indicator.get(key(u))!]);
  if (!pairs.length) return [];
  const { seed } = result.settings;
  return [
    {
      label: `sanity maps (${pairs.length} slices)`,
      figures: {
        deletion: pairedComparison(
          pairs.map(([r, i]) => r.deletionAuc - i.deletionAuc),
          true,
          seed,
        ),
        insertion: pairedComparison(
          pairs.map(([r, i]) => r.insertionAuc - i.insertionAuc),
          false,
          seed,
        ),
      },
    },
  ];
}

/** The sweep's point at the default batch size. */
function defaultBatchPoint(result: BenchResult): Subject<SweepPoint & { backend: string }>[] {
  const { sweep, defaultBatchSize, backend } = result.performance;
  const point = sweep.find((p) => p.batchSize === defaultBatchSize);
  return point ? [{ label: `sweep, batch ${defaultBatchSize}`, figures: { ...point, backend } }] : [];
}

function coarseToFineRows(result: BenchResult): Subject<CoarseToFineComparison>[] {
  return result.coarseToFine.map((c) => ({ label: `${c.dataset} ${c.organ}`, figures: c }));
}

function slabRows(result: BenchResult): Subject<SlabComparison>[] {
  return result.slab
    ? [{ label: `${result.slab.dataset} ${result.slab.organ} slab`, figures: result.slab }]
    : [];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Lets checks over different figures share one table (each spec's functions agree on its figures). */
const spec = <T>(check: CheckSpec<T>) => check as unknown as CheckSpec<unknown>;

/**
 * The checks, in the order they are reported. ROI occlusion evaluates the full run's windows that
 * reach the ROI, so inside the ROI its map is the full map: its Dice and IoU can only differ by what
 * the full map puts outside the ROI (higher where that is off the organ, lower where the ROI cut
 * the organ) and are equal when it puts nothing above the threshold there.
 */
export const CHECKS: CheckSpec<unknown>[] = [
  spec<VariantPair>({
    id: 'roi-occlusion-wall-time',
    claim: `ROI occlusion wall time ≤ ${100 * ROI_OCCLUSION_MAX_WALL_SHARE} % of full`,
    subjects: occlusionPair,
    holds: ({ roi, full }) => roi.wallMs / full.wallMs <= ROI_OCCLUSION_MAX_WALL_SHARE,
    detail: ({ roi, full, windowMm, strideMm }) =>
      `${((100 * roi.wallMs) / full.wallMs).toFixed(1)} % (${seconds(roi.wallMs)} vs ${seconds(full.wallMs)}; ` +
      `CPU time ${((100 * roi.cpuMs) / full.cpuMs).toFixed(1)} %; ${roi.passes} vs ${full.passes} passes; ` +
      `window ${windowMm} mm, stride ${strideMm} mm)`,
  }),
  spec<VariantPair>({
    id: 'roi-occlusion-otsu',
    claim: 'ROI occlusion Dice and IoU (Otsu) not below full',
    subjects: occlusionPair,
    holds: ({ roi, full }) => roi.otsu.dice >= full.otsu.dice && roi.otsu.iou >= full.otsu.iou,
    detail: ({ roi, full }) =>
      `Dice ${roi.otsu.dice.toFixed(3)} vs ${full.otsu.dice.toFixed(3)}, IoU ${roi.otsu.iou.toFixed(3)} vs ${full.otsu.iou.toFixed(3)}`,
  }),
  spec<VariantPair>({
    id: 'roi-occlusion-top-gt',
    claim: 'ROI occlusion Dice and IoU (top-|GT|) not below full',
    subjects: occlusionPair,
    holds: ({ roi, full }) => roi.topGt.dice >= full.topGt.dice && roi.topGt.iou >= full.topGt.iou,
    detail: ({ roi, full }) =>
      `Dice ${roi.topGt.dice.toFixed(3)} vs ${full.topGt.dice.toFixed(3)}, IoU ${roi.topGt.iou.toFixed(3)} vs ${full.topGt.iou.toFixed(3)}`,
  }),
  spec<VariantPair>({
    id: 'roi-occlusion-deletion',
    claim: 'ROI occlusion deletion AUC not worse than full (the paired interval does not say loss)',
    subjects: occlusionPair,
    holds: ({ comparison }) => comparison?.vsFull.deletionAuc.verdict !== 'loss',
    detail: ({ roi, full, comparison }) =>
      `${roi.deletionAuc.toFixed(4)} vs ${full.deletionAuc.toFixed(4)} (lower is better)` +
      (comparison
        ? `; ROI − full ${signedWithInterval(comparison.vsFull.deletionAuc)}, ${comparison.vsFull.deletionAuc.verdict}`
        : ''),
  }),
  spec<Separation>({
    id: 'metric-separates-indicator',
    claim:
      'deletion AUC separates the predicted-mask indicator from a random map (random − indicator interval above 0)',
    subjects: indicatorVsRandom,
    holds: ({ deletion }) => deletion.low > 0,
    detail: ({ deletion, insertion }) =>
      `deletion ${withInterval(deletion)}, insertion ${withInterval(insertion)} (random − indicator, mean [95 % interval])`,
  }),
  spec<SweepPoint & { backend: string }>({
    id: 'engine-overhead',
    claim: `engine overhead ≤ ${MAX_ENGINE_OVERHEAD}`,
    subjects: defaultBatchPoint,
    holds: (point) => point.overhead <= MAX_ENGINE_OVERHEAD,
    detail: (point) =>
      `${point.overhead.toFixed(3)} on ${point.backend} (${point.ortOverhead.toFixed(3)} against its own time inside ONNX Runtime)`,
  }),
  spec<CoarseToFineComparison>({
    id: 'coarse-to-fine-agreement',
    claim: `coarse-to-fine occlusion agrees with ROI occlusion (top-|GT| IoU ≥ ${MIN_COARSE_TO_FINE_AGREEMENT}) in fewer passes`,
    subjects: coarseToFineRows,
    holds: (c) => c.agreementTopGtIou >= MIN_COARSE_TO_FINE_AGREEMENT && c.coarseToFinePasses < c.plainPasses,
    detail: (c) =>
      `IoU ${c.agreementTopGtIou.toFixed(3)}, ${c.coarseToFinePasses} vs ${c.plainPasses} passes`,
  }),
  spec<SlabComparison>({
    id: 'slab-agreement',
    claim: `the viewer's fast slab (coarse-to-fine, slice stride) agrees with the exhaustive one (top-|GT| IoU ≥ ${MIN_SLAB_AGREEMENT}) in fewer passes`,
    subjects: slabRows,
    holds: (s) => s.agreementTopGtIou >= MIN_SLAB_AGREEMENT && s.fastPasses < s.exhaustivePasses,
    detail: (s) =>
      `IoU ${s.agreementTopGtIou.toFixed(3)}, r ${s.agreementPearson.toFixed(3)}, ${s.fastPasses} vs ${s.exhaustivePasses} passes`,
  }),
];

/** Evaluates every check on each of its subjects in `result`. */
export function checksOf(result: BenchResult): Check[] {
  return CHECKS.flatMap(({ id, claim, subjects, holds, detail }) =>
    subjects(result).map(({ label, figures }) => ({
      id,
      name: `${label}: ${claim}`,
      pass: holds(figures),
      detail: detail(figures),
    })),
  );
}
