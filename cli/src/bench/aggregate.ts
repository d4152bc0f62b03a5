import { MethodId } from '@xai-clip/engine';
import { nullable, round } from './numbers';
import { pairedStatistics } from './pairedStatistics';
import {
  BenchResult,
  BenchRow,
  BenchUnit,
  CoarseToFineComparison,
  Comparison,
  OverlapScores,
  RoiControls,
} from './schema';

/** The paper's ROI-vs-full figures, next to which the comparisons are shown. */
export const PAPER: BenchResult['paper'] = {
  runtimeChange: -0.6,
  diceChange: 0.446,
  iouChange: 0.967,
  source: 'XAI-CLIP (arXiv 2602.07017): ROI-guided vs conventional perturbation, mean over methods',
};

/** `items` grouped by `keyOf`, groups in order of their first item. */
export function groupBy<T>(items: T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return [...groups.values()];
}

/** Σ and mean (over the finite values) of a figure of a group. */
function totals<T>(group: T[]) {
  return {
    sum: (pick: (item: T) => number) => group.reduce((total, item) => total + pick(item), 0),
    mean: (pick: (item: T) => number) => {
      const values = group.map(pick).filter((v) => Number.isFinite(v));
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
    },
  };
}

/**
 * The paper's table: one row per dataset, organ, method and variant, summed (cost) or averaged
 * (scores) over its slices. `bareOf` gives the bare session's time per pass of a dataset's model.
 */
export function rowsOf(
  units: BenchUnit[],
  batchSize: number,
  bareOf: (dataset: string) => number,
): BenchRow[] {
  return groupBy(units, (u) => [u.dataset, u.organ, u.method, u.variant].join('\n')).map((group) => {
    const first = group[0];
    const { sum, mean } = totals(group);
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
      skippedPasses: sum((u) => u.skippedPasses),
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
      batchSize,
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
      insertionStart: round(
        mean((u) => u.insertionStart),
        4,
      ),
      controls: first.controls ? meanControls(group) : null,
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
      surrogateR2: nullable(
        round(
          mean((u) => u.surrogateR2 ?? NaN),
          4,
        ),
      ),
      pointingGame: round(
        mean((u) => (u.pointingHit ? 1 : 0)),
        4,
      ),
      randomisationSpearman: nullable(
        round(
          mean((u) => u.randomisationSpearman ?? NaN),
          4,
        ),
      ),
      notes: fallbacks.map((reason) => `ROI fell back to the whole image: ${reason}`),
    };
  });
}

/** The controls of ROI units, averaged. */
function meanControls(group: BenchUnit[]): RoiControls {
  const { mean } = totals(group.filter((u) => u.controls));
  const scores = (pick: (c: RoiControls) => OverlapScores): OverlapScores => ({
    otsu: {
      dice: round(
        mean((u) => pick(u.controls!).otsu.dice),
        4,
      ),
      iou: round(
        mean((u) => pick(u.controls!).otsu.iou),
        4,
      ),
    },
    topGt: {
      dice: round(
        mean((u) => pick(u.controls!).topGt.dice),
        4,
      ),
      iou: round(
        mean((u) => pick(u.controls!).topGt.iou),
        4,
      ),
    },
  });
  return {
    maskedFull: scores((c) => c.maskedFull),
    roiIndicator: scores((c) => c.roiIndicator),
    maskedRandom: scores((c) => c.maskedRandom),
  };
}

/**
 * ROI-guided vs full image for every method that has both rows: relative changes and AUC
 * differences of the means, and the per-slice paired statistics of its units (pairedStatistics).
 */
export function comparisonsOf(rows: BenchRow[], units: BenchUnit[], seed: number): Comparison[] {
  const unitsOf = (row: BenchRow) =>
    units.filter(
      (u) =>
        u.dataset === row.dataset &&
        u.organ === row.organ &&
        u.method === row.method &&
        u.variant === row.variant,
    );
  const change = (a: number, b: number) => round(b !== 0 ? (a - b) / Math.abs(b) : NaN, 4);
  return rows
    .filter((r) => r.variant === 'roi' && r.method !== 'occlusion-c2f')
    .flatMap((roi) => {
      const full = rows.find(
        (r) =>
          r.variant === 'full' &&
          r.dataset === roi.dataset &&
          r.organ === roi.organ &&
          r.method === roi.method,
      );
      if (!full) return [];
      return [
        {
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
          ...pairedStatistics(unitsOf(full), unitsOf(roi), seed),
        },
      ];
    });
}

/** Coarse-to-fine vs plain ROI occlusion per dataset and organ: costs summed, agreement averaged over slices. */
export function coarseToFineOf(perSlice: CoarseToFineComparison[]): CoarseToFineComparison[] {
  return groupBy(perSlice, (c) => `${c.dataset}\n${c.organ}`).map((group) => {
    const { sum } = totals(group);
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
