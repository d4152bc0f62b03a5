import { round } from '../numbers';
import { bootstrapInterval, Interval } from './bootstrapInterval';
import { Verdict, verdictOf } from './verdictOf';
import { wilcoxonSignedRank } from './wilcoxonSignedRank';

/** A paired difference over slices: its mean and bootstrap 95 % interval, Wilcoxon's p, the verdict. */
export interface PairedComparison extends Interval {
  slices: number;
  /** Two-sided Wilcoxon signed-rank p (normal approximation, see wilcoxonSignedRank). */
  p: number | null;
  /** By the interval only. */
  verdict: Verdict;
}

/**
 * 4 decimals, or 2 significant digits below 0.001: an interval that excludes 0 by less than 0.0001
 * must not be written as [0, 0] next to its verdict.
 */
function roundFigure(value: number): number {
  return Math.abs(value) >= 1e-3 || !Number.isFinite(value) ? round(value, 4) : Number(value.toPrecision(2));
}

/** Compares per-slice `differences` (a − b, one per slice) with 0; `higherIsBetter` says which side wins. */
export function pairedComparison(
  differences: number[],
  higherIsBetter: boolean,
  seed: number,
): PairedComparison {
  const interval = bootstrapInterval(differences, seed);
  const { p } = wilcoxonSignedRank(differences);
  return {
    mean: roundFigure(interval.mean),
    low: roundFigure(interval.low),
    high: roundFigure(interval.high),
    slices: differences.length,
    p: Number.isNaN(p) ? null : round(p, 4),
    verdict: verdictOf(interval, higherIsBetter),
  };
}
