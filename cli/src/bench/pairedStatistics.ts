import { BenchUnit, Comparison, ControlName, OverlapMetric, OverlapScores, PairedMetric } from './schema';
import { pairedComparison } from './stats/pairedComparison';

const OVERLAP: Record<OverlapMetric, (scores: OverlapScores) => number> = {
  otsuDice: (s) => s.otsu.dice,
  otsuIou: (s) => s.otsu.iou,
  topGtDice: (s) => s.topGt.dice,
  topGtIou: (s) => s.topGt.iou,
};
const OVERLAP_METRICS = Object.keys(OVERLAP) as OverlapMetric[];
const CONTROLS: ControlName[] = ['maskedFull', 'roiIndicator', 'maskedRandom'];

/** Per metric: its figure of a unit, and whether higher is better. */
const PAIRED: Record<PairedMetric, { of: (unit: BenchUnit) => number; higherIsBetter: boolean }> = {
  otsuDice: { of: OVERLAP.otsuDice, higherIsBetter: true },
  otsuIou: { of: OVERLAP.otsuIou, higherIsBetter: true },
  topGtDice: { of: OVERLAP.topGtDice, higherIsBetter: true },
  topGtIou: { of: OVERLAP.topGtIou, higherIsBetter: true },
  deletionAuc: { of: (u) => u.deletionAuc, higherIsBetter: false },
  insertionAuc: { of: (u) => u.insertionAuc, higherIsBetter: true },
};

/**
 * A method's ROI units against its full units on the same slices (paired by subject and slice):
 * the per-slice difference ROI − full of every metric and ROI − each control of every overlap
 * metric, each with its bootstrap interval, Wilcoxon p and verdict. An overlap gain counts only
 * where the ROI run wins against the full run and against all three controls.
 */
export function pairedStatistics(
  full: BenchUnit[],
  roi: BenchUnit[],
  seed: number,
): Pick<Comparison, 'vsFull' | 'vsControls' | 'gains'> {
  const key = (u: BenchUnit) => `${u.subject ?? ''}\n${u.slice}`;
  const fullOf = new Map(full.map((u) => [key(u), u]));
  const pairs = roi.flatMap((r) => (fullOf.has(key(r)) ? [[r, fullOf.get(key(r))!] as const] : []));
  const vsFull = Object.fromEntries(
    Object.entries(PAIRED).map(([metric, { of, higherIsBetter }]) => [
      metric,
      pairedComparison(
        pairs.map(([r, f]) => of(r) - of(f)),
        higherIsBetter,
        seed,
      ),
    ]),
  ) as Comparison['vsFull'];
  const withControls = roi.filter((r) => r.controls);
  const vsControls = Object.fromEntries(
    CONTROLS.map((control) => [
      control,
      Object.fromEntries(
        OVERLAP_METRICS.map((metric) => [
          metric,
          pairedComparison(
            withControls.map((r) => OVERLAP[metric](r) - OVERLAP[metric](r.controls![control])),
            true,
            seed,
          ),
        ]),
      ),
    ]),
  ) as Comparison['vsControls'];
  const gains = OVERLAP_METRICS.filter(
    (metric) =>
      vsFull[metric].verdict === 'win' &&
      CONTROLS.every((control) => vsControls[control][metric].verdict === 'win'),
  );
  return { vsFull, vsControls, gains };
}
