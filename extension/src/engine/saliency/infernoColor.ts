/** matplotlib's "inferno" stops: perceptually uniform and readable over greyscale CT/MR. */
const INFERNO: readonly (readonly [number, number, number])[] = [
  [40, 11, 84],
  [101, 21, 110],
  [159, 42, 99],
  [212, 72, 66],
  [245, 125, 21],
  [250, 193, 39],
  [252, 255, 164],
];

/** The RGB colour of t ∈ [0, 1] on "inferno" (clamped), interpolated linearly between stops. */
export function infernoColor(t: number): [number, number, number] {
  const position = Math.min(1, Math.max(0, t)) * (INFERNO.length - 1);
  const low = Math.floor(position);
  const high = Math.min(INFERNO.length - 1, low + 1);
  const f = position - low;
  return INFERNO[low].map((c, i) => Math.round(c + f * (INFERNO[high][i] - c))) as [number, number, number];
}
