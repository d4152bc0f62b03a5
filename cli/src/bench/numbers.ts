import { Interval } from './stats/bootstrapInterval';
import { Verdict } from './stats/verdictOf';

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

/** A signed figure with `digits` decimals: "+0.012", "−0.004" ("–" for a missing one). */
export const signed = (value: number, digits = 3): string =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)}` : '–';

/** A relative change in percent with its sign: "+19.7 %", "−50.6 %" ("–" for a missing one). */
export const signedPercent = (value: number): string =>
  Number.isFinite(value) ? `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(1)} %` : '–';

/** A figure too small for 3 decimals, in exponent form: "+6.4e−7". */
const signedSmall = (value: number) =>
  `${value >= 0 ? '+' : '−'}${Math.abs(value).toExponential(1).replace('-', '−').replace('e+0', '')}`;

/**
 * A paired difference with its interval, "+0.012 [+0.003, +0.020]"; a win or loss whose interval
 * rounds to ±0.000 is written in exponent form, or it would read as a verdict on nothing.
 */
export function signedWithInterval(c: Interval & { verdict: Verdict }): string {
  const hidden = c.verdict !== 'tie' && [c.low, c.high].every((v) => signed(v).endsWith('0.000'));
  return withInterval(c, hidden ? signedSmall : (v) => signed(v));
}
