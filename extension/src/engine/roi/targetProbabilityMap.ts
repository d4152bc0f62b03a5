// A global lookup per voxel is slow in sandboxed VMs (jest), so the loop uses a local copy.
const { exp } = Math;

/**
 * Turns per-class patch–text similarity maps into the probability that each voxel shows the
 * target class rather than any other prompt class: softmax over classes of
 * `logitScale · similarity` (CLIP's contrastive read-out), taken per voxel.
 *
 * Written as 1 / (1 + Σ_other exp(logitScale · (s_other − s_target))): one exp per competing
 * class and no running maximum. Cosine differences lie in [−2, 2], so the terms stay finite
 * for any logit scale below ≈ 350; an infinite sum gives the right limit, 0.
 */
export function targetProbabilityMap(
  maps: Float32Array[],
  targetIndex: number,
  logitScale: number,
): Float32Array {
  const voxels = maps[0].length;
  const target = maps[targetIndex];
  const others = maps.filter((_, c) => c !== targetIndex);
  const probability = new Float32Array(voxels);
  for (let v = 0; v < voxels; v++) {
    const t = target[v];
    let sum = 1;
    for (let c = 0; c < others.length; c++) sum += exp(logitScale * (others[c][v] - t));
    probability[v] = 1 / sum;
  }
  return probability;
}
