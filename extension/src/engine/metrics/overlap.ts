/** Dice and IoU of two binary masks of equal length; both empty counts as perfect agreement. */
export function overlap(a: ArrayLike<number>, b: ArrayLike<number>): { dice: number; iou: number } {
  if (a.length !== b.length) {
    throw new Error(`Masks differ in size (${a.length} vs ${b.length} voxels); they must share one grid.`);
  }
  let both = 0;
  let sizeA = 0;
  let sizeB = 0;
  for (let v = 0; v < a.length; v++) {
    const inA = a[v] ? 1 : 0;
    const inB = b[v] ? 1 : 0;
    sizeA += inA;
    sizeB += inB;
    both += inA & inB;
  }
  if (sizeA + sizeB === 0) return { dice: 1, iou: 1 };
  return { dice: (2 * both) / (sizeA + sizeB), iou: both / (sizeA + sizeB - both) };
}
