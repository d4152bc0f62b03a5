/** Where a map's maximum lies against a mask. */
export interface PointingResult {
  /** Whether the maximum falls inside the mask. */
  hit: boolean;
  /** The voxel of the maximum (the first, in storage order, when several share it). */
  voxel: number;
  value: number;
}

/**
 * The pointing game (Zhang et al. 2018): does the map's most salient voxel lie inside `mask`
 * (e.g. the predicted organ, or later a target region)? Null when the map has no positive value:
 * a map that points nowhere neither hits nor misses.
 */
export function pointingGame(saliency: ArrayLike<number>, mask: ArrayLike<number>): PointingResult | null {
  if (saliency.length !== mask.length)
    throw new Error(
      `The pointing game needs a map and a mask of one size, got ${saliency.length} and ${mask.length}.`,
    );
  let voxel = -1;
  let value = 0;
  for (let v = 0; v < saliency.length; v++) {
    if (saliency[v] > value) [voxel, value] = [v, saliency[v]];
  }
  return voxel < 0 ? null : { hit: mask[voxel] !== 0, voxel, value };
}
