// Local copy: a global lookup per draw is slow in sandboxed VMs (jest).
const { imul } = Math;

/**
 * A seeded pseudo-random number generator (mulberry32: one 32-bit state word, period 2³²).
 *
 * Perturbation methods (LIME and RISE masks, sampling) draw from it so that a run is reproducible
 * from its seed, which `Math.random` cannot give. It is fast and well spread, not cryptographic.
 *
 * @param seed Any number; it is reduced to an unsigned 32-bit integer (`seed >>> 0`), so seeds
 *   that differ only in their fraction or by a multiple of 2³² give the same sequence.
 * @returns A function that returns the next float of the sequence, uniform in [0, 1), with 32
 *   random bits.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = imul(state ^ (state >>> 15), state | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
