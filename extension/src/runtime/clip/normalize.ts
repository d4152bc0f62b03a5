/** L2-normalised copy of a vector (a zero vector stays zero). */
export function normalize(vector: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let n = 0; n < vector.length; n++) norm += vector[n] * vector[n];
  norm = Math.sqrt(norm) || 1;
  return Float32Array.from(vector, (value) => value / norm);
}
