import { Vec3, Volume } from './Volume';

/**
 * The voxel (i, j, k) nearest to world position `world` (mm), the inverse of voxelToWorld; null
 * when it lies outside the grid. Solved with the grid's 3×3 matrix (direction × spacing), so a
 * sheared grid (a tilted gantry's slice normal) inverts as well as an orthogonal one.
 */
export function worldToVoxel(
  volume: Pick<Volume, 'dimensions' | 'spacing' | 'origin' | 'direction'>,
  world: Vec3,
): Vec3 | null {
  const { origin: o, spacing: s, direction: d, dimensions } = volume;
  // Columns a, b, c: the world step of one voxel along i, j and k.
  const a = [d[0] * s[0], d[1] * s[0], d[2] * s[0]];
  const b = [d[3] * s[1], d[4] * s[1], d[5] * s[1]];
  const c = [d[6] * s[2], d[7] * s[2], d[8] * s[2]];
  const r = [world[0] - o[0], world[1] - o[1], world[2] - o[2]];
  const determinant = dot(a, cross(b, c));
  if (determinant === 0) return null;
  // Cramer's rule.
  // `+ 0` turns a rounded −0 into 0.
  const voxel: Vec3 = [
    Math.round(dot(r, cross(b, c)) / determinant) + 0,
    Math.round(dot(a, cross(r, c)) / determinant) + 0,
    Math.round(dot(a, cross(b, r)) / determinant) + 0,
  ];
  return voxel.every((index, axis) => index >= 0 && index < dimensions[axis]) ? voxel : null;
}

function dot(u: number[], v: number[]): number {
  return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
}

function cross(u: number[], v: number[]): number[] {
  return [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}
