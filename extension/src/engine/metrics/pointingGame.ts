/**
 * The pointing game (Zhang et al. 2018) on one map: whether its maximum lies in `mask` (e.g. the
 * predicted organ); with a plateau at the maximum, whether any voxel of it does. A map without a
 * positive value points nowhere: a miss.
 */
export function pointingGameHit(saliency: ArrayLike<number>, mask: ArrayLike<number>): boolean {
  if (saliency.length !== mask.length) {
    throw new Error(
      `The map has ${saliency.length} voxels but the mask ${mask.length}; they must share one grid.`,
    );
  }
  let max = 0;
  for (let v = 0; v < saliency.length; v++) if (saliency[v] > max) max = saliency[v];
  if (max <= 0) return false;
  for (let v = 0; v < saliency.length; v++) if (saliency[v] === max && mask[v]) return true;
  return false;
}
