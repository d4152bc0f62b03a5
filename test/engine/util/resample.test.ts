import { resampleFootprint, resampleLinear } from '../../../extension/src/engine/util/resample';
import { Box, boxVoxelCount, forEachVoxelInBox, fullBox } from '../../../extension/src/engine/volume/Box';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';
import { resampleNearest } from '../../../extension/src/engine/util/resampleNearest';
import { createRandom } from '../../../extension/src/engine/util/random';

describe('resampleLinear', () => {
  it('is the identity when the grids are equal', () => {
    const random = createRandom(5);
    const source = new Float32Array(7 * 5 * 3).map(() => random());
    const out = new Float32Array(source.length);
    expect(resampleLinear(source, [7, 5, 3], [7, 5, 3], out)).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(source));
  });

  it('keeps a constant constant when downsampling in 2-D and 3-D', () => {
    const source = new Float32Array(16 * 12 * 6).fill(3.25);
    for (const v of resampleLinear(source, [16, 12, 6], [5, 7, 2])) expect(v).toBe(3.25);
    for (const v of resampleLinear(source.subarray(0, 16 * 12), [16, 12, 1], [3, 4, 1])) expect(v).toBe(3.25);
  });

  it('upsamples 2×2 to 4×4 with pixel-centre alignment', () => {
    // Along an axis 2 → 4, targets 0…3 map to −0.25, 0.25, 0.75, 1.25, clamped to 0, 0.25, 0.75, 1:
    // weights of the second sample 0, 0.25, 0.75, 1 (as torch align_corners=False and cv2.resize).
    const source = Float32Array.of(0, 4, 8, 12); // rows (0, 4) and (8, 12)
    const w = [0, 0.25, 0.75, 1];
    const expected: number[] = [];
    for (let j = 0; j < 4; j++) {
      for (let i = 0; i < 4; i++) expected.push(4 * w[i] + 8 * w[j]);
    }
    expect(Array.from(resampleLinear(source, [2, 2, 1], [4, 4, 1]))).toEqual(expected);
    expect(expected.slice(0, 4)).toEqual([0, 1, 3, 4]);
  });

  it('halves by averaging neighbouring pairs, like a 2× box filter', () => {
    // 4 → 2: targets map to 0.5 and 2.5, the midpoints of samples (0, 1) and (2, 3).
    expect(Array.from(resampleLinear(Float32Array.of(1, 3, 10, 20), [4, 1, 1], [2, 1, 1]))).toEqual([2, 15]);
  });

  it('interpolates only along the axes whose size changes', () => {
    // 2 × 3 → 4 × 3: every row (base, base + 4) becomes (base, base + 1, base + 3, base + 4).
    const source = Float32Array.of(0, 4, 10, 14, 20, 24);
    expect(Array.from(resampleLinear(source, [2, 3, 1], [4, 3, 1]))).toEqual([
      0, 1, 3, 4, 10, 11, 13, 14, 20, 21, 23, 24,
    ]);
  });

  it('writes only a region, bit-identical to the whole-grid call there', () => {
    const random = createRandom(11);
    const cases: [Vec3, Vec3, Box][] = [
      [[40, 30, 1], [17, 23, 1], { min: [3, 5, 0], max: [11, 19, 1] }], // down along i and j
      [[9, 7, 5], [20, 7, 12], { min: [0, 2, 3], max: [20, 5, 9] }], // up along i and k
      [[12, 10, 6], [12, 4, 6], { min: [4, 0, 1], max: [7, 4, 2] }], // j only
      [[8, 8, 1], [8, 8, 1], { min: [2, 2, 0], max: [5, 7, 1] }], // equal grids: a copy
    ];
    for (const [from, to, region] of cases) {
      const source = new Float32Array(from[0] * from[1] * from[2]).map(() => random() * 1000 - 300);
      const whole = resampleLinear(source, from, to);
      const out = new Float32Array(whole.length).fill(-7);
      resampleLinear(source, from, to, out, region);
      forEachVoxelInBox(fullBox(to), to, (v, i, j, k) => {
        const inside = [i, j, k].every((c, a) => c >= region.min[a] && c < region.max[a]);
        expect(out[v]).toBe(inside ? whole[v] : -7);
      });
    }
  });

  it('changes only its footprint when the source changes inside a box', () => {
    const random = createRandom(12);
    for (const [from, to] of [
      [
        [64, 48, 1],
        [25, 31, 1],
      ],
      [
        [10, 9, 4],
        [23, 5, 9],
      ],
    ] as [Vec3, Vec3][]) {
      const source = new Float32Array(from[0] * from[1] * from[2]).map(() => random());
      const changed: Box = {
        min: from.map((n) => Math.floor(n / 3)) as Vec3,
        max: from.map((n) => Math.max(Math.floor(n / 3) + 1, Math.floor(n / 2))) as Vec3,
      };
      const perturbed = Float32Array.from(source);
      forEachVoxelInBox(changed, from, (v) => (perturbed[v] += 5 + random()));
      const footprint = resampleFootprint(changed, from, to);
      const before = resampleLinear(source, from, to);
      const after = resampleLinear(perturbed, from, to);
      let differing = 0;
      forEachVoxelInBox(fullBox(to), to, (v, i, j, k) => {
        const inside = [i, j, k].every((c, a) => c >= footprint.min[a] && c < footprint.max[a]);
        if (after[v] !== before[v]) {
          differing++;
          expect(inside).toBe(true);
        }
      });
      expect(differing).toBeGreaterThan(0);
      expect(boxVoxelCount(footprint)).toBeLessThan(before.length / 2);
    }
  });

  it('rejects mismatched arrays', () => {
    expect(() => resampleLinear(new Float32Array(3), [2, 2, 1], [2, 2, 1])).toThrow(RangeError);
    expect(() => resampleLinear(new Float32Array(4), [2, 2, 1], [3, 3, 1], new Float32Array(8))).toThrow(
      RangeError,
    );
  });
});

describe('resampleNearest', () => {
  it('keeps label values and picks the nearest centre', () => {
    const labels = Int32Array.of(-1, 2, 7, 7, 3, 9); // 3 × 2
    const out = resampleNearest(labels, [3, 2, 1], [6, 4, 1], new Int32Array(24));
    const allowed = new Set(labels);
    for (const v of out) expect(allowed.has(v)).toBe(true);
    // Target i = 0…5 map to source centres ⌊(i + 0.5)/2⌋ = 0, 0, 1, 1, 2, 2.
    expect(Array.from(out.subarray(0, 6))).toEqual([-1, -1, 2, 2, 7, 7]);
    expect(Array.from(out.subarray(18, 24))).toEqual([7, 7, 3, 3, 9, 9]);
  });

  it('is the identity when the grids are equal and downsamples in 3-D', () => {
    const source = Uint8Array.from({ length: 4 * 4 * 4 }, (_, v) => v);
    expect(Array.from(resampleNearest(source, [4, 4, 4], [4, 4, 4], new Uint8Array(64)))).toEqual(
      Array.from(source),
    );
    // 4 → 2 per axis: target d takes source ⌊(d + 0.5)·2⌋ = 1, 3.
    const down = resampleNearest(source, [4, 4, 4], [2, 2, 2], new Uint8Array(8));
    expect(Array.from(down)).toEqual([21, 23, 29, 31, 53, 55, 61, 63]);
  });

  it('rejects an output of the wrong size', () => {
    expect(() => resampleNearest([1, 2], [2, 1, 1], [3, 1, 1], new Uint8Array(2))).toThrow(RangeError);
  });
});
