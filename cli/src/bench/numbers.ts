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
