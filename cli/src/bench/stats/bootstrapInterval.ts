import { createRandom } from '@xai-clip/engine';

export interface Interval {
  mean: number;
  /** The 2.5th and 97.5th percentiles of the resampled means (95 %); NaN (null in JSON) from one value. */
  low: number;
  high: number;
}

/**
 * Percentile bootstrap 95 % interval of the mean of paired `differences` (one per slice, so the
 * pairing is kept by resampling the differences): `resamples` means of n draws with replacement,
 * seeded, so a run reproduces its intervals. One difference has no spread to resample: its
 * interval is NaN (no verdict can be drawn from it).
 */
export function bootstrapInterval(differences: number[], seed: number, resamples = 2000): Interval {
  const n = differences.length;
  if (n === 0) return { mean: NaN, low: NaN, high: NaN };
  const mean = differences.reduce((sum, d) => sum + d, 0) / n;
  if (n === 1) return { mean, low: NaN, high: NaN };
  const random = createRandom(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += differences[Math.floor(random() * n)];
    means[r] = sum / n;
  }
  means.sort();
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  return { mean, low: at(0.025), high: at(0.975) };
}
