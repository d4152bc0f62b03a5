/**
 * Which of `count` slices in order (the ROI's slices of a slab) a slice stride explains: every
 * `stride`-th from the first, and the last one always, so each slice left out lies between two
 * explained ones. Stride 1 explains them all.
 */
export function strideSlices(count: number, stride: number): boolean[] {
  if (!Number.isInteger(stride) || stride < 1) {
    throw new Error(`The slice stride must be a whole number ≥ 1 (1 explains every slice), got ${stride}.`);
  }
  return Array.from({ length: count }, (_, n) => n % stride === 0 || n === count - 1);
}
