import { pointingGame } from '../../../extension/src/engine/metrics/pointingGame';
import { randomOrderMap } from '../../../extension/src/engine/metrics/randomOrderMap';

describe('pointingGame', () => {
  it('hits when the maximum lies in the mask, misses when it lies outside', () => {
    const mask = [0, 1, 1, 0];
    expect(pointingGame([0.1, 0.9, 0.2, 0.3], mask)).toEqual({ hit: true, voxel: 1, value: 0.9 });
    expect(pointingGame([0.1, 0.2, 0.2, 0.7], mask)).toEqual({ hit: false, voxel: 3, value: 0.7 });
  });

  it('has no answer for a map without a positive value, and refuses masks of another size', () => {
    expect(pointingGame([0, -1, 0], [1, 1, 1])).toBeNull();
    expect(() => pointingGame([1, 2], [1])).toThrow(/one size, got 2 and 1/);
  });
});

describe('randomOrderMap', () => {
  it('is seeded, positive on the given voxels only', () => {
    const map = randomOrderMap([6, 1, 1], [1, 4], 3);
    expect(Array.from(map.map((value) => (value > 0 ? 1 : 0)))).toEqual([0, 1, 0, 0, 1, 0]);
    expect(Array.from(randomOrderMap([6, 1, 1], [1, 4], 3))).toEqual(Array.from(map));
    expect(Array.from(randomOrderMap([6, 1, 1], [1, 4], 4))).not.toEqual(Array.from(map));
  });

  it('draws one value per patch', () => {
    // 4×2 image, patches of 2×2: columns 0–1 and 2–3.
    const map = randomOrderMap([4, 2, 1], [0, 1, 2, 3, 4, 5, 6, 7], 5, [2, 2, 1]);
    expect(new Set([map[0], map[1], map[4], map[5]]).size).toBe(1);
    expect(new Set([map[2], map[3], map[6], map[7]]).size).toBe(1);
    expect(map[0]).not.toBe(map[2]);
  });
});
