// A global lookup per voxel is slow in sandboxed VMs (jest), so the loop uses local copies.
const { exp, max } = Math;

/**
 * Turns per-class patch–text similarity maps into the probability that each voxel shows the
 * target class rather than any other prompt class: softmax over classes of
 * `logitScale · similarity` (CLIP's contrastive read-out), taken per voxel.
 */
export function targetProbabilityMap(
  maps: Float32Array[],
  targetIndex: number,
  logitScale: number,
): Float32Array {
  const voxels = maps[0].length;
  const probability = new Float32Array(voxels);
  for (let v = 0; v < voxels; v++) {
    let top = -Infinity;
    for (const map of maps) top = max(top, map[v] * logitScale);
    let sum = 0;
    for (const map of maps) sum += exp(map[v] * logitScale - top);
    probability[v] = exp(maps[targetIndex][v] * logitScale - top) / sum;
  }
  return probability;
}
