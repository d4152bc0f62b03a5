import { topPercentMask } from '../../extension/src/engine/saliency/topPercentMask';

describe('topPercentMask', () => {
  // 3 slices of 10 voxels; slices 0 and 2 explained, slice 1 not (its values must not count).
  const saliency = Float32Array.from([
    ...[0.9, 0.1, 0.2, 0, 0, 0, 0, 0, 0.3, 0.05],
    ...[5, 5, 5, 5, 5, 5, 5, 5, 5, 5],
    ...[0.8, 0, 0, 0.4, 0, 0, -1, 0, 0, 0.7],
  ]);

  it('keeps the k % most salient voxels of the explained slices only', () => {
    const mask = topPercentMask(saliency, 10, [0, 2], 20); // 20 % of 20 voxels: 4
    expect([...mask].flatMap((v, i) => (v ? [i] : []))).toEqual([0, 20, 23, 29]);
  });

  it('never marks a voxel of saliency 0 or below, even when fewer than k % are positive', () => {
    const mask = topPercentMask(saliency, 10, [0, 2], 100);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(8); // the 8 positive voxels of slices 0 and 2
    expect(mask[26]).toBe(0);
    expect(mask.subarray(10, 20).every((v) => v === 0)).toBe(true);
  });
});
