import { ChannelTransform } from '../manifest/ModelManifest';

/** Statistics of the unperturbed image that z-score and percentile channels are frozen to. */
export interface IntensityStatistics {
  mean: number;
  std: number;
  /** Value at percentile p (0–100), for the percentiles the channels ask for. */
  percentiles: Map<number, number>;
}

/** Computes what `channels` need from `reference` (sorting only when a percentile is asked). */
export function intensityStatistics(
  reference: Float32Array,
  channels: ChannelTransform[],
): IntensityStatistics {
  let sum = 0;
  let squares = 0;
  for (let v = 0; v < reference.length; v++) {
    sum += reference[v];
    squares += reference[v] * reference[v];
  }
  const mean = sum / reference.length;
  const std = Math.sqrt(Math.max(0, squares / reference.length - mean * mean));
  const percentiles = new Map<number, number>();
  const wanted = channels.flatMap((c) => (c.kind === 'percentile' ? [c.low, c.high] : []));
  if (wanted.length > 0) {
    const sorted = Float32Array.from(reference).sort();
    for (const p of wanted) {
      const position = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
      percentiles.set(p, sorted[position]);
    }
  }
  return { mean, std, percentiles };
}
