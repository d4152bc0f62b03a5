import { isOutsideRoi } from '../roi/roiVoxels';
import { Box, forEachVoxelInBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';

/** One tile of the coarse cover that occlusion lays outside its ROI. */
export interface OutsideTile {
  /** Bounds `voxels`' tile (the whole square for grid tiles, the superpixel's extent for SLIC). */
  box: Box;
  /** The tile's voxels outside the ROI: the only ones it perturbs. */
  outsideVoxels: number;
  /** Those voxels' indices. */
  voxels: Uint32Array;
}

/**
 * Non-overlapping tiles of `tile` voxels per axis over the whole grid (the last one per axis
 * clipped at the edge), kept where part of the tile lies outside the ROI (the box, narrowed to
 * `roiMask` where given). Tiles the ROI holds whole are left out: the fine windows cover them.
 */
export function outsideRoiTiles(dimensions: Vec3, tile: Vec3, roi: Box, roiMask?: Uint8Array): OutsideTile[] {
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
        const outside: number[] = [];
        forEachVoxelInBox(box, dimensions, (v, a, b, c) => {
          if (isOutsideRoi(roi, roiMask, v, a, b, c)) outside.push(v);
        });
        if (outside.length > 0)
          tiles.push({ box, outsideVoxels: outside.length, voxels: Uint32Array.from(outside) });
      }
    }
  }
  return tiles;
}
