import { otsuThreshold } from '../../../extension/src/engine/util/otsuThreshold';
import { createRandom } from '../../../extension/src/engine/util/random';

describe('otsuThreshold', () => {
  it('separates two well-separated modes', () => {
    const random = createRandom(3);
    const low = Array.from({ length: 500 }, () => 10 + random() * 10);
    const high = Array.from({ length: 300 }, () => 100 + random() * 20);
    const t = otsuThreshold(Float32Array.from([...low, ...high]));
    expect(Math.max(...low)).toBeLessThanOrEqual(t);
    expect(Math.min(...high)).toBeGreaterThan(t);
  });

  it('puts the threshold in the middle of an empty gap between modes', () => {
    const values = [...new Array(50).fill(0), ...new Array(50).fill(100)];
    const t = otsuThreshold(values, { bins: 100 });
    expect(t).toBeGreaterThan(40);
    expect(t).toBeLessThan(60);
  });

  it('returns the constant for constant data, so nothing is foreground', () => {
    const values = new Float32Array(100).fill(-42.5);
    const t = otsuThreshold(values);
    expect(t).toBe(-42.5);
    expect(values.some((v) => v > t)).toBe(false);
  });

  it('uses only values under the mask and ignores non-finite values', () => {
    // Unmasked, 0 vs 50 would be split; the mask keeps only the 50 / 100 modes.
    const values = [0, 0, 0, 50, 50, 100, 100, NaN, Infinity];
    const mask = [0, 0, 0, 1, 1, 1, 1, 1, 1];
    const t = otsuThreshold(values, { mask });
    expect(t).toBeGreaterThanOrEqual(50);
    expect(t).toBeLessThan(100);
    expect(otsuThreshold(values)).toBeLessThan(50);
  });

  it('rejects an empty selection and bad options', () => {
    expect(() => otsuThreshold([1, 2], { mask: [0, 0] })).toThrow(RangeError);
    expect(() => otsuThreshold([1, 2], { mask: [1] })).toThrow(RangeError);
    expect(() => otsuThreshold([1, 2], { bins: 1 })).toThrow(RangeError);
  });
});
