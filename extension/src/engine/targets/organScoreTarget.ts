import { Target, TargetKind } from './Target';

/**
 * The organ score of a segmentation output, measured over a fixed mask (usually the
 * unperturbed prediction of that organ, as in Captum's segmentation tutorial and MONAI):
 *
 * - `sum`: Σ p_c over the mask (a probability mass in voxels);
 * - `softDice`: 2·Σ p_c·m / (Σ p_c + Σ m), in [0, 1].
 *
 * The mask is fixed, so perturbing the input can only change p_c, never where it is summed.
 */
export function organScoreTarget(
  classIndex: number,
  mask: Uint8Array,
  outputSize: number,
  kind: TargetKind = 'sum',
): Target {
  const maskIndices = Uint32Array.from(indicesOf(mask));
  const classOffset = classIndex * outputSize;
  if (kind === 'sum') {
    return (probabilities, offset) => {
      const base = offset + classOffset;
      let total = 0;
      for (let n = 0; n < maskIndices.length; n++) total += probabilities[base + maskIndices[n]];
      return total;
    };
  }
  return (probabilities, offset) => {
    const base = offset + classOffset;
    let overlap = 0;
    let mass = 0;
    for (let n = 0; n < maskIndices.length; n++) overlap += probabilities[base + maskIndices[n]];
    for (let v = 0; v < outputSize; v++) mass += probabilities[base + v];
    const denominator = mass + maskIndices.length;
    return denominator > 0 ? (2 * overlap) / denominator : 0;
  };
}

function indicesOf(mask: Uint8Array): number[] {
  const indices: number[] = [];
  for (let v = 0; v < mask.length; v++) if (mask[v]) indices.push(v);
  return indices;
}
