import { outsideRoiTiles } from '../../../extension/src/engine/methods/outsideRoiTiles';
import { Box, boxContains, forEachVoxelInBox } from '../../../extension/src/engine/volume/Box';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';

describe('outsideRoiTiles', () => {
  const dimensions: Vec3 = [50, 40, 3];
  const roi: Box = { min: [10, 5, 0], max: [30, 40, 3] };

  it('covers every voxel outside the ROI exactly once and counts what each tile replaces', () => {
    const tiles = outsideRoiTiles(dimensions, [16, 16, 1], roi);
    const hits = new Uint8Array(50 * 40 * 3);
    for (const tile of tiles) {
      let outside = 0;
      forEachVoxelInBox(tile.box, dimensions, (v, i, j, k) => {
        hits[v]++;
        if (!boxContains(roi, i, j, k)) outside++;
      });
      expect(tile.outsideVoxels).toBe(outside);
      expect(outside).toBeGreaterThan(0);
    }
    forEachVoxelInBox({ min: [0, 0, 0], max: dimensions }, dimensions, (v, i, j, k) => {
      if (!boxContains(roi, i, j, k)) expect(hits[v]).toBe(1);
    });
  });

  it('clips the last tile per axis at the edge and leaves out tiles the ROI holds whole', () => {
    // x starts 0, 16, 32, 48 (the last 2 wide); y 0, 16, 32; k 0, 1, 2 → 36 tiles.
    const tiles = outsideRoiTiles(dimensions, [16, 16, 1], { min: [16, 16, 0], max: [32, 40, 3] });
    expect(tiles.map((t) => t.box.max[0])).toContain(50);
    // Held whole: x [16, 32) × y [16, 32) and [32, 40) × every k: 2 × 3 = 6 tiles.
    expect(tiles).toHaveLength(36 - 6);
  });

  it('finds nothing outside an ROI that is the whole image', () => {
    expect(outsideRoiTiles(dimensions, [8, 8, 1], { min: [0, 0, 0], max: dimensions })).toEqual([]);
  });
});
