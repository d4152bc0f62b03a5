/** Curve steps per order: enough for a smooth curve on one slice at a modest cost. */
export const FAITHFULNESS_STEPS = 30;
/** The curves remove up to this many times the predicted organ's voxels: by then its score has fallen. */
export const FAITHFULNESS_ORGAN_MULTIPLE = 3;

/** Forward passes `runFaithfulness` plans for `images` explained images: 1 + 2·(steps + 1) per order each. */
export function faithfulnessPasses(
  images: number,
  options: { randomBaseline: boolean; steps?: number },
): number {
  const orders = options.randomBaseline ? 2 : 1;
  return images * (1 + orders * 2 * ((options.steps ?? FAITHFULNESS_STEPS) + 1));
}
