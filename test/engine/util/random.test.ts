import { createRandom } from '../../../extension/src/engine/util/random';

describe('createRandom', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 10 }, () => a());
    expect(Array.from({ length: 10 }, () => b())).toEqual(first);
    expect(Array.from({ length: 10 }, () => c())).not.toEqual(first);
  });

  it('returns floats in [0, 1) spread evenly', () => {
    const random = createRandom(7);
    const histogram = new Array(10).fill(0);
    const n = 100000;
    for (let t = 0; t < n; t++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      histogram[Math.floor(x * 10)]++;
    }
    for (const bin of histogram) expect(Math.abs(bin - n / 10)).toBeLessThan(0.05 * (n / 10));
  });
});
