/**
 * One digest per plane of a Float32 volume: FNV-1a over the planes' float bits, so that two maps
 * agree on a plane only if every value is bit-for-bit equal. Self-contained (no imports, no
 * closures) so that the suites can run the same function in the page (`planeDigestsSource`).
 */
export function planeDigests(data: Float32Array, plane: number): string[] {
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const digests: string[] = [];
  for (let start = 0; start < bits.length; start += plane) {
    let hash = 0x811c9dc5;
    for (let i = start; i < start + plane; i++) {
      hash = Math.imul(hash ^ bits[i], 0x01000193) >>> 0;
    }
    digests.push(hash.toString(16));
  }
  return digests;
}

/** `planeDigests` as source text, to rebuild it in the page with `new Function`. */
export const planeDigestsSource = `return ${planeDigests.toString()}`;
