import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { Volume } from '../../extension/src/engine/volume/Volume';
import * as path from 'path';

/** The planted region S of planted2d.onnx: rows 16–31, columns 24–39 (see golden_planted.json). */
export const PLANTED_S = { rows: [16, 32], cols: [24, 40] } as const;

export const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', 'models', name);

/** 64×64 test slice: S bright (1), a deterministic texture in [0.2, 0.6] elsewhere, 1 mm pixels. */
export function plantedSlice(): Volume<Float32Array> {
  const data = new Float32Array(64 * 64);
  for (let j = 0; j < 64; j++) {
    for (let i = 0; i < 64; i++) {
      data[i + 64 * j] = inS(i, j) ? 1 : 0.4 + 0.2 * Math.sin(i * 0.7) * Math.cos(j * 0.9);
    }
  }
  return createVolume(data, [64, 64, 1], { spacing: [1, 1, 1] });
}

export function inS(i: number, j: number): boolean {
  return j >= PLANTED_S.rows[0] && j < PLANTED_S.rows[1] && i >= PLANTED_S.cols[0] && i < PLANTED_S.cols[1];
}

/** S as a 0/1 mask on the 64×64 grid. */
export function plantedMask(): Uint8Array {
  return Uint8Array.from({ length: 64 * 64 }, (_, v) => (inS(v % 64, Math.floor(v / 64)) ? 1 : 0));
}
