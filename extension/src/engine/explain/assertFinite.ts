/** Rejects images with NaN or infinite voxels, which no model output can be trusted on. */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let v = 0; v < values.length; v++) {
    if (!Number.isFinite(values[v])) {
      throw new Error(
        `${what} has a NaN or infinite value at voxel ${v}. Replace or mask such voxels before explaining.`,
      );
    }
  }
}
