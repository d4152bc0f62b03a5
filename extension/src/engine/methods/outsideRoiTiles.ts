import { Box, boxVoxelCount } from '../volume/Box';
import { Vec3 } from '../volume/Volume';

/** One tile of the coarse cover that occlusion lays outside its ROI. */
export interface OutsideTile {
  box: Box;
  /** The tile's voxels outside the ROI box: the only ones it perturbs. */
  outsideVoxels: number;
  /** Those voxels' indices, for tiles that are not boxes (`outsideRoiSegments`); `box` then bounds them. */
  voxels?: Uint32Array;
}

/**
 * Non-overlapping tiles of `tile` voxels per axis over the whole grid (the last one per axis
 * clipped at the edge), kept where part of the tile lies outside the ROI box. Tiles that the
 * ROI box holds whole are left out: the fine windows already cover them.
 */
export function outsideRoiTiles(dimensions: Vec3, tile: Vec3, roi: Box): OutsideTile[] {
  const edges = [0, 1, 2].map((axis) => Math.max(1, Math.min(tile[axis], dimensions[axis])));
  const starts = edges.map((edge, axis) =>
    Array.from({ length: Math.ceil(dimensions[axis] / edge) }, (_, n) => n * edge),
  );
  const tiles: OutsideTile[] = [];
  for (const k of starts[2]) {
    for (const j of starts[1]) {
      for (const i of starts[0]) {
        const min: Vec3 = [i, j, k];
        const max = [0, 1, 2].map((axis) => Math.min(dimensions[axis], min[axis] + edges[axis])) as Vec3;
        const box = { min, max };
        const overlap = {
          min: [0, 1, 2].map((axis) => Math.max(min[axis], roi.min[axis])) as Vec3,
          max: [0, 1, 2].map((axis) => Math.min(max[axis], roi.max[axis])) as Vec3,
        };
        const outsideVoxels = boxVoxelCount(box) - boxVoxelCount(overlap);
        if (outsideVoxels > 0) tiles.push({ box, outsideVoxels });
      }
    }
  }
  return tiles;
}
