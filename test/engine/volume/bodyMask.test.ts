import { bodyMask, percentile } from '../../../extension/src/engine/volume/bodyMask';

describe('bodyMask', () => {
  it('CT: air and lung (below −500 HU) are outside the body, fat, water and bone inside', () => {
    const hu = Int16Array.from([-1024, -900, -501, -500, -100, 0, 60, 1200]);
    expect(Array.from(bodyMask(hu, 'CT'))).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it('MR: air is below 8 % of the 99th percentile, however much of the field of view it fills', () => {
    // 70 % air (noise 0–30), 30 % tissue (200–1000) and one hot voxel that must not move the cut.
    const air = Array.from({ length: 700 }, (_, n) => n % 31);
    const tissue = Array.from({ length: 299 }, (_, n) => 200 + ((n * 8) % 800));
    const image = Float32Array.from([...air, ...tissue, 50000]);
    const mask = bodyMask(image, 'MR');
    expect(mask.subarray(0, 700).every((v) => v === 0)).toBe(true);
    expect(mask.subarray(700, 999).every((v) => v === 1)).toBe(true);
  });

  it('an image of one value is all body (nothing to tell air from)', () => {
    expect(Array.from(bodyMask(new Float32Array(4).fill(7), 'MR'))).toEqual([1, 1, 1, 1]);
  });
});

describe('percentile', () => {
  it('is within a 1/4096 of the range of the exact quantile', () => {
    const values = Float32Array.from({ length: 10001 }, (_, n) => n);
    expect(percentile(values, 0.5)).toBeCloseTo(5000, -1);
    expect(Math.abs(percentile(values, 0.99) - 9900)).toBeLessThanOrEqual(10000 / 4096 + 1);
    expect(percentile(values, 1)).toBe(10000);
  });
});
