/**
 * The index of the first value where `a` differs from `b` (same length), compared bit for bit;
 * `a.length` when they are equal.
 */
export function firstDifference(a: Float32Array, b: Float32Array): number {
  // Integer views: a comparison per value without float semantics (NaN equals itself, −0 ≠ +0).
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let first = 0;
  while (first < x.length && x[first] === y[first]) first++;
  return first;
}
