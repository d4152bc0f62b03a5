import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { Volume } from '../../extension/src/engine/volume/Volume';

/** Island A of islands2d.onnx: rows 8–23, columns 8–23 (256 pixels, the larger component). */
export const inA = (i: number, j: number) => j >= 8 && j < 24 && i >= 8 && i < 24;
/** Island B: rows 40–51, columns 36–51 (192 pixels). */
export const inB = (i: number, j: number) => j >= 40 && j < 52 && i >= 36 && i < 52;

/** A 0/1 mask on the 64 × 64 grid. */
export const maskOf = (inside: (i: number, j: number) => boolean) =>
  Uint8Array.from({ length: 64 * 64 }, (_, v) => (inside(v % 64, Math.floor(v / 64)) ? 1 : 0));

/** Both islands bright (1) on a dim texture in [0.1, 0.3], 1 mm pixels: the model predicts both. */
export function islandsSlice(): Volume<Float32Array> {
  const data = Float32Array.from({ length: 64 * 64 }, (_, v) => {
    const [i, j] = [v % 64, Math.floor(v / 64)];
    return inA(i, j) || inB(i, j) ? 1 : 0.2 + 0.1 * Math.sin(i * 0.7) * Math.cos(j * 0.9);
  });
  return createVolume(data, [64, 64, 1], { spacing: [1, 1, 1] });
}

/** Share of Σ|saliency| on the pixels of `mask`. */
export function massShare(saliency: Float32Array, mask: Uint8Array): number {
  let inside = 0;
  let total = 0;
  saliency.forEach((s, v) => {
    total += Math.abs(s);
    if (mask[v]) inside += Math.abs(s);
  });
  return inside / total;
}

/**
 * `mask` (64 × 64) grown by `r` pixels (a square): a region at a method's resolution, whose
 * windows, cells or features straddle its edge.
 */
export function grown(mask: Uint8Array, r: number): Uint8Array {
  return Uint8Array.from(mask, (_, v) => {
    const [i, j] = [v % 64, Math.floor(v / 64)];
    for (let dj = -r; dj <= r; dj++) {
      for (let di = -r; di <= r; di++) {
        const [x, y] = [i + di, j + dj];
        if (x >= 0 && x < 64 && y >= 0 && y < 64 && mask[x + 64 * y]) return 1;
      }
    }
    return 0;
  });
}
