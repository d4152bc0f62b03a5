/**
 * Colours of the saliency levels, sampled from matplotlib's "inferno" (perceptually uniform,
 * readable over greyscale CT/MR); index 0 is the lowest visible level.
 */
const INFERNO: number[][] = [
  [40, 11, 84],
  [101, 21, 110],
  [159, 42, 99],
  [212, 72, 66],
  [245, 125, 21],
  [250, 193, 39],
  [252, 255, 164],
];

/** RGBA colours for `count` visible levels, spread over the colour map. */
export function saliencyColors(count: number): number[][] {
  return Array.from({ length: count }, (_, n) => {
    const position = count === 1 ? INFERNO.length - 1 : (n * (INFERNO.length - 1)) / (count - 1);
    const low = Math.floor(position);
    const high = Math.min(INFERNO.length - 1, low + 1);
    const t = position - low;
    return [...INFERNO[low].map((c, i) => Math.round(c + t * (INFERNO[high][i] - c))), 255];
  });
}
