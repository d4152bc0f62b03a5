import { Vec3 } from './Volume';

/** A half-open voxel box: min ≤ (i, j, k) < max. */
export interface Box {
  min: Vec3;
  max: Vec3;
}

/** The box that covers a whole grid. */
export function fullBox(dimensions: Vec3): Box {
  return { min: [0, 0, 0], max: [...dimensions] as Vec3 };
}

export function boxVoxelCount(box: Box): number {
  return (
    Math.max(0, box.max[0] - box.min[0]) *
    Math.max(0, box.max[1] - box.min[1]) *
    Math.max(0, box.max[2] - box.min[2])
  );
}

export function isEmptyBox(box: Box): boolean {
  return boxVoxelCount(box) === 0;
}

/** Grows a box by `margin` voxels per axis and clips it to the grid. */
export function dilateBox(box: Box, margin: Vec3, dimensions: Vec3): Box {
  const min = [0, 1, 2].map((a) => Math.max(0, box.min[a] - margin[a])) as Vec3;
  const max = [0, 1, 2].map((a) => Math.min(dimensions[a], box.max[a] + margin[a])) as Vec3;
  return { min, max };
}

/** Whether the half-open intervals of two boxes overlap on every axis. */
export function boxesIntersect(a: Box, b: Box): boolean {
  for (let axis = 0; axis < 3; axis++) {
    if (a.max[axis] <= b.min[axis] || b.max[axis] <= a.min[axis]) return false;
  }
  return true;
}

/** Bounding box of the non-zero voxels of a mask; null when the mask is empty. */
export function boundingBoxOf(mask: ArrayLike<number>, dimensions: Vec3): Box | null {
  const [nx, ny, nz] = dimensions;
  const min: Vec3 = [nx, ny, nz];
  const max: Vec3 = [0, 0, 0];
  let found = false;
  for (let k = 0, index = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, index++) {
        if (!mask[index]) continue;
        found = true;
        if (i < min[0]) min[0] = i;
        if (j < min[1]) min[1] = j;
        if (k < min[2]) min[2] = k;
        if (i + 1 > max[0]) max[0] = i + 1;
        if (j + 1 > max[1]) max[1] = j + 1;
        if (k + 1 > max[2]) max[2] = k + 1;
      }
    }
  }
  return found ? { min, max } : null;
}

/** Calls `visit(index, i, j, k)` for every voxel of `box` in storage order. */
export function forEachVoxelInBox(
  box: Box,
  dimensions: Vec3,
  visit: (index: number, i: number, j: number, k: number) => void,
): void {
  const [nx, ny] = dimensions;
  for (let k = box.min[2]; k < box.max[2]; k++) {
    for (let j = box.min[1]; j < box.max[1]; j++) {
      let index = box.min[0] + j * nx + k * nx * ny;
      for (let i = box.min[0]; i < box.max[0]; i++, index++) visit(index, i, j, k);
    }
  }
}

/** Whether voxel (i, j, k) lies inside the half-open box. */
export function boxContains(box: Box, i: number, j: number, k: number): boolean {
  return (
    i >= box.min[0] &&
    i < box.max[0] &&
    j >= box.min[1] &&
    j < box.max[1] &&
    k >= box.min[2] &&
    k < box.max[2]
  );
}
