import { roiFromMask } from '../../../extension/src/engine/roi/roiFromMask';
import { roiUnion } from '../../../extension/src/engine/roi/roiUnion';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';

const dimensions: Vec3 = [10, 10, 3];
const maskOf = (inside: (i: number, j: number, k: number) => boolean) =>
  Uint8Array.from({ length: 300 }, (_, v) =>
    inside(v % 10, Math.floor(v / 10) % 10, Math.floor(v / 100)) ? 1 : 0,
  );
// The organ: a 2 × 2 square on slices 0–1; the region: one voxel on slice 2.
const organ = maskOf((i, j, k) => i < 2 && j < 2 && k < 2);
const region = maskOf((i, j, k) => i === 8 && j === 8 && k === 2);

describe('roiUnion', () => {
  it('unites two region ROIs voxel by voxel, slice boxes slice by slice', () => {
    const organRoi = roiFromMask(organ, dimensions, [1, 1, 0], { shape: 'mask' });
    const regionRoi = roiFromMask(region, dimensions, [1, 1, 0], { shape: 'mask' });
    const roi = roiUnion(organRoi, regionRoi, dimensions);
    expect(roi.box).toEqual({ min: [0, 0, 0], max: [10, 10, 3] });
    expect(roi.sliceBoxes).toEqual([
      { min: [0, 0, 0], max: [3, 3, 1] },
      { min: [0, 0, 1], max: [3, 3, 2] },
      { min: [7, 7, 2], max: [10, 10, 3] },
    ]);
    roi.mask!.forEach((m, v) => expect(m).toBe(organRoi.mask![v] || regionRoi.mask![v]));
    expect(regionRoi.mask![8 + 10 * 8 + 200]).toBe(1);
    expect(roi.source).toBe('mask');
  });

  it('unites boxes where either ROI is a box, and keeps a whole-image fallback', () => {
    const roi = roiUnion(
      roiFromMask(organ, dimensions, [0, 0, 0]),
      roiFromMask(region, dimensions, [0, 0, 0], { shape: 'mask' }),
      dimensions,
    );
    expect(roi.mask).toBeUndefined();
    expect(roi.sliceBoxes![2]).toEqual({ min: [8, 8, 2], max: [9, 9, 3] });
    const fallback = roiFromMask(new Uint8Array(300), dimensions, [0, 0, 0]);
    expect(roiUnion(fallback, roiFromMask(region, dimensions, [0, 0, 0]), dimensions)).toBe(fallback);
  });
});
