import { outsideRoiSegments } from '../../../extension/src/engine/methods/outsideRoiSegments';
import { Box, boxContains, forEachVoxelInBox, fullBox } from '../../../extension/src/engine/volume/Box';
import { inS, plantedSlice } from '../../helpers/plantedImage';

describe('outsideRoiSegments', () => {
  const image = plantedSlice();
  const corner: Box = { min: [0, 0, 0], max: [8, 8, 1] };

  it('covers every voxel outside the ROI exactly once, and none inside', () => {
    const roi: Box = { min: [20, 12, 0], max: [44, 36, 1] };
    const segments = outsideRoiSegments(image, roi, 16);
    expect(segments.length).toBeGreaterThan(4);
    const hits = new Uint8Array(64 * 64);
    for (const segment of segments) {
      expect(segment.outsideVoxels).toBe(segment.voxels!.length);
      for (const v of segment.voxels!) {
        const [i, j] = [v % 64, Math.floor(v / 64)];
        hits[v]++;
        expect(boxContains(roi, i, j, 0)).toBe(false);
        expect(boxContains(segment.box, i, j, 0)).toBe(true);
      }
    }
    forEachVoxelInBox(fullBox([64, 64, 1]), [64, 64, 1], (v, i, j, k) => {
      expect(hits[v]).toBe(boxContains(roi, i, j, k) ? 0 : 1);
    });
  });

  it('finds nothing outside an ROI that is the whole image', () => {
    expect(outsideRoiSegments(image, fullBox([64, 64, 1]), 16)).toEqual([]);
  });

  it('follows the anatomy: the bright region S lies in segments of its own', () => {
    const segments = outsideRoiSegments(image, corner, 16);
    const overS = segments.filter((s) => Array.from(s.voxels!).some((v) => inS(v % 64, Math.floor(v / 64))));
    const purity = (s: (typeof segments)[number]) =>
      Array.from(s.voxels!).filter((v) => inS(v % 64, Math.floor(v / 64))).length / s.outsideVoxels;
    expect(overS.length).toBeGreaterThan(0);
    for (const segment of overS) expect(purity(segment)).toBeGreaterThanOrEqual(0.9);
  });
});
