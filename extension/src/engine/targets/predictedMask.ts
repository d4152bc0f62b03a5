/** Argmax mask of class `classIndex` over an output `[classes, outputSize]` starting at `offset`. */
export function predictedMask(
  probabilities: Float32Array,
  classes: number,
  outputSize: number,
  classIndex: number,
  offset = 0,
): Uint8Array {
  const mask = new Uint8Array(outputSize);
  for (let v = 0; v < outputSize; v++) {
    let best = 0;
    let bestValue = probabilities[offset + v];
    for (let c = 1; c < classes; c++) {
      const value = probabilities[offset + c * outputSize + v];
      if (value > bestValue) {
        bestValue = value;
        best = c;
      }
    }
    mask[v] = best === classIndex ? 1 : 0;
  }
  return mask;
}
