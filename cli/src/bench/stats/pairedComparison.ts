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

/** Compares per-slice `differences` (a − b, one per slice) with 0; `higherIsBetter` says which side wins. */
export function pairedComparison(
  differences: number[],
  higherIsBetter: boolean,
  seed: number,
): PairedComparison {
  const interval = bootstrapInterval(differences, seed);
  const { p } = wilcoxonSignedRank(differences);
  return {
    mean: round(interval.mean, 4),
    low: round(interval.low, 4),
    high: round(interval.high, 4),
    slices: differences.length,
    p: Number.isNaN(p) ? null : round(p, 4),
    verdict: verdictOf(interval, higherIsBetter),
  };
}
