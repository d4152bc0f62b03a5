import { Vec3 } from '../volume/Volume';

/** RISE's coarse mask grid over a box: cells per axis and each cell's edge in voxels. */
export interface RiseGrid {
  cells: Vec3;
  cellSize: Vec3;
}

/**
 * The grid of RISE's masks over a box of `extent` voxels. With `cellMm` > 0 every cell is
 * `cellMm` long (rounded to whole voxels) on each axis, so a full-image run and an ROI run cut
 * cells of the same size in mm, and the box gets ⌈extent / cell⌉ cells per axis. Otherwise the
 * box is split into `gridSize` cells per axis (the paper's s, at most one per voxel). An axis one
 * voxel long (a slice's z) has one cell.
 */
export function riseGrid(extent: Vec3, spacing: Vec3, gridSize: number, cellMm: number): RiseGrid {
  const axes = [0, 1, 2].map((axis) => {
    const length = extent[axis];
    if (length <= 1) return { cells: 1, cellSize: 1 };
    if (cellMm > 0) {
      const cellSize = Math.max(1, Math.round(cellMm / spacing[axis]));
      return { cells: Math.ceil(length / cellSize), cellSize };
    }
    const cells = Math.min(gridSize, length);
    return { cells, cellSize: Math.ceil(length / cells) };
  });
  return {
    cells: axes.map((a) => a.cells) as Vec3,
    cellSize: axes.map((a) => a.cellSize) as Vec3,
  };
}
