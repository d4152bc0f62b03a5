/**
 * A target turns one model output `[classes, outputSize]` into the scalar being explained.
 * Methods never see organ names; they only compare target values.
 */
export type Target = (probabilities: Float32Array, offset: number) => number;

/** How a target scores an output: Captum's masked probability sum, or soft-Dice. */
export type TargetKind = 'sum' | 'softDice';
