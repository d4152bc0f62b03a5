import { Interval } from './stats/bootstrapInterval';

/** `value` rounded to `digits` decimals (non-finite values as they are). */
export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** JSON has no NaN: a missing figure is null. */
export function nullable(value: number | undefined): number | null {
  return value === undefined || Number.isNaN(value) ? null : value;
}

/** `value` with `digits` decimals, or "–" for a missing (non-finite) figure. */
export const fixed = (value: number, digits = 3): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';

/** A mean with its 95 % interval: "0.123 [0.100, 0.150]" ("[–, –]" without one). */
export const withInterval = (i: Interval, format: (value: number) => string = (v) => fixed(v)): string =>
  `${format(i.mean)} [${format(i.low)}, ${format(i.high)}]`;
