/** Typed arrays a volume's voxels may be stored in (CT usually Int16, MR Float32 or Uint16). */
export type VoxelArray =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

export type Vec3 = [number, number, number];

/**
 * A scalar image on a regular grid, in the convention of cornerstone3D and ITK.
 *
 * - Voxel (i, j, k) is `data[i + j·nx + k·nx·ny]`; `dimensions = [nx, ny, nz]`.
 * - `spacing` is in mm along i, j, k.
 * - World position (patient LPS, mm) = origin + i·sx·d[0..2] + j·sy·d[3..5] + k·sz·d[6..8],
 *   where `direction = d` holds the i (row), j (column) and k (slice normal) unit vectors.
 * - A 2-D image is a volume with nz = 1.
 */
export interface Volume<T extends VoxelArray = VoxelArray> {
  data: T;
  dimensions: Vec3;
  spacing: Vec3;
  origin: Vec3;
  direction: number[];
}

/** Identity orientation (i → L, j → P, k → S in LPS). */
export const IDENTITY_DIRECTION: readonly number[] = [1, 0, 0, 0, 1, 0, 0, 0, 1];
