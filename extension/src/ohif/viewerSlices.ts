/**
 * Slices as the viewer numbers them: OHIF's viewport overlay shows "43/78", the 1-based position
 * of the image in the viewport's stack, which need not be the engine's volume order k (a series
 * stored head first is stacked the other way round).
 */
export interface ViewerSlices {
  /** The explained slices' numbers, ascending. */
  explained: number[];
  /** A slice stride's interpolated slices' numbers, ascending. */
  interpolated?: number[];
  /** The series' slice count: the "78" of "43/78". */
  count: number;
}

/**
 * The viewer's numbers of the explained (and interpolated) slices k, given the series' images in
 * volume order (`imageIds[k]`) and the viewport's stack.
 */
export function viewerSlicesOf(
  slices: { slices: number[]; interpolatedSlices?: number[] },
  imageIds: string[],
  stack: string[],
): ViewerSlices {
  // An image the stack lacks (never seen) keeps its volume order.
  const numberOf = (k: number) => stack.indexOf(imageIds[k]) + 1 || k + 1;
  const numbers = (ks: number[]) => ks.map(numberOf).sort((a, b) => a - b);
  return {
    explained: numbers(slices.slices),
    ...(slices.interpolatedSlices && { interpolated: numbers(slices.interpolatedSlices) }),
    count: stack.length || imageIds.length,
  };
}

/** Slice numbers in words: "slice 43", "slices 36–43" (consecutive), "slices 40, 43". */
export function describeViewerSlices(numbers: number[]): string {
  if (numbers.length === 1) return `slice ${numbers[0]}`;
  const consecutive = numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
  return consecutive ? `slices ${numbers[0]}–${numbers[numbers.length - 1]}` : `slices ${numbers.join(', ')}`;
}
