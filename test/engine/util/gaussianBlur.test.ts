import { gaussianBlur } from '../../../extension/src/engine/util/gaussianBlur';
import { createRandom } from '../../../extension/src/engine/util/random';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let v = 0; v < values.length; v++) total += values[v];
  return total;
}

describe('gaussianBlur', () => {
  it('spreads an impulse into a normalised Gaussian of the requested width in mm', () => {
    // 1 mm pixels along i, 2 mm along j: sigma 2 mm is 2 voxels along i and 1 voxel along j.
    const dimensions: Vec3 = [41, 41, 1];
    const data = new Float32Array(41 * 41);
    data[20 + 20 * 41] = 1;
    const volume = createVolume(data, dimensions, { spacing: [1, 2, 3] });
    const blurred = gaussianBlur(volume, 2);
    expect(sum(blurred.data)).toBeCloseTo(1, 5);
    const at = (i: number, j: number) => blurred.data[i + j * 41];
    // The blur is separable, so the profiles through the impulse are 1-D Gaussians.
    const variance = (profile: number[]) =>
      profile.reduce((total, v, t) => total + v * (t - 20) ** 2, 0) / sum(profile);
    const alongI = Array.from({ length: 41 }, (_, i) => at(i, 20));
    const alongJ = Array.from({ length: 41 }, (_, j) => at(20, j));
    expect(variance(alongI)).toBeCloseTo(4, 1);
    expect(variance(alongJ)).toBeCloseTo(1, 1);
    expect(at(19, 20)).toBeCloseTo(at(21, 20), 7);
    expect(blurred.spacing).toEqual([1, 2, 3]);
    expect(volume.data[20 + 20 * 41]).toBe(1); // the input is not modified
  });

  it('matches a direct separable convolution on a grid wider than one bundle of lines', () => {
    // 70 × 67 × 5 exceeds the 64 lines convolved together along i and along j.
    const dimensions: Vec3 = [70, 67, 5];
    const spacing: Vec3 = [0.8, 1.1, 2];
    const random = createRandom(9);
    const volume = createVolume(
      new Float32Array(70 * 67 * 5).map(() => random() * 100),
      dimensions,
      { spacing },
    );
    const sigmaMm = 1.7;
    let expected = Float64Array.from(volume.data);
    for (let axis = 0; axis < 3; axis++) {
      const sigma = sigmaMm / spacing[axis];
      const radius = Math.ceil(3 * sigma);
      const taps = Array.from({ length: 2 * radius + 1 }, (_, t) =>
        Math.exp(-((t - radius) ** 2) / (2 * sigma * sigma)),
      );
      const norm = sum(taps);
      const stride = [1, 70, 70 * 67][axis];
      const size = dimensions[axis];
      const next = new Float64Array(expected.length);
      for (let v = 0; v < expected.length; v++) {
        const a = Math.floor(v / stride) % size;
        for (let t = -radius; t <= radius; t++) {
          const b = Math.min(size - 1, Math.max(0, a + t));
          next[v] += (taps[t + radius] / norm) * expected[v + (b - a) * stride];
        }
      }
      expected = next;
    }
    const blurred = gaussianBlur(volume, sigmaMm);
    let worst = 0;
    for (let v = 0; v < expected.length; v++)
      worst = Math.max(worst, Math.abs(blurred.data[v] - expected[v]));
    expect(worst).toBeLessThan(1e-3);
  });

  it('keeps constants constant, clamping at the edges, in 3-D', () => {
    const volume = createVolume(new Float32Array(6 * 5 * 4).fill(7), [6, 5, 4]);
    const blurred = gaussianBlur(volume, 1.5);
    for (const v of blurred.data) expect(v).toBeCloseTo(7, 5);
  });

  it('blurs along z only when that axis has more than one voxel and enough sigma', () => {
    const data = new Float32Array(3 * 3 * 9);
    data.fill(1, 9 * 4, 9 * 5); // slice 4 is 1, the rest 0
    const blurred = gaussianBlur(createVolume(data, [3, 3, 9], { spacing: [10, 10, 1] }), 1);
    // Along i and j sigma is 0.1 voxel (skipped): every slice stays flat; along k it is 1 voxel.
    expect(blurred.data[9 * 4]).toBeCloseTo(blurred.data[9 * 4 + 4], 7);
    expect(blurred.data[9 * 4]).toBeLessThan(0.5);
    expect(blurred.data[9 * 3]).toBeGreaterThan(0.2);
  });

  it('returns an unchanged copy when sigma is below 0.3 voxel', () => {
    const volume = createVolume(Float32Array.of(1, 5, 2, 8), [4, 1, 1]);
    const blurred = gaussianBlur(volume, 0.2);
    expect(Array.from(blurred.data)).toEqual([1, 5, 2, 8]);
    expect(blurred.data).not.toBe(volume.data);
    expect(() => gaussianBlur(volume, -1)).toThrow(RangeError);
  });
});
