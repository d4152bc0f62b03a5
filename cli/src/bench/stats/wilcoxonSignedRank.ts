import { normalCdf } from './normalCdf';

export interface WilcoxonResult {
  /** Non-zero differences ranked. */
  n: number;
  /** Sum of the ranks of the positive differences. */
  wPlus: number;
  /** Two-sided p-value; NaN when no difference is non-zero. */
  p: number;
}

/**
 * Paired Wilcoxon signed-rank test of `differences` (e.g. per-slice ROI − full) against 0, two-sided,
 * by the normal approximation: zero differences are dropped (Wilcoxon's convention), tied |d| share
 * their mean rank and the variance is reduced by Σ(t³ − t)/48 over the tie groups, with a continuity
 * correction of 0.5 (as scipy.stats.wilcoxon(method='approx', correction=True)). With fewer than
 * about 10 non-zero differences the approximation is rough: read the bootstrap interval instead.
 */
export function wilcoxonSignedRank(differences: number[]): WilcoxonResult {
  const nonZero = differences.filter((d) => d !== 0).sort((a, b) => Math.abs(a) - Math.abs(b));
  const n = nonZero.length;
  if (n === 0) return { n, wPlus: 0, p: NaN };
  let wPlus = 0;
  let tieCorrection = 0;
  for (let start = 0; start < n;) {
    let end = start;
    while (end + 1 < n && Math.abs(nonZero[end + 1]) === Math.abs(nonZero[start])) end++;
    const rank = (start + end + 2) / 2; // mean of the ranks start + 1 … end + 1
    for (let k = start; k <= end; k++) if (nonZero[k] > 0) wPlus += rank;
    const ties = end - start + 1;
    tieCorrection += ties ** 3 - ties;
    start = end + 1;
  }
  const mean = (n * (n + 1)) / 4;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48);
  if (sd === 0) return { n, wPlus, p: 1 };
  const z = Math.max(0, Math.abs(wPlus - mean) - 0.5) / sd;
  return { n, wPlus, p: Math.min(1, 2 * (1 - normalCdf(z))) };
}
