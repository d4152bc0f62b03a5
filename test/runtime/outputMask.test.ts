import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { fixture } from '../helpers/plantedImage';

describe('Predictor.outputMask of an ONNX model', () => {
  it('maps a region of the image onto the resized output grid, nearest neighbour', async () => {
    // local3d_2ch.onnx runs on a fixed 24 × 24 × 8 grid: a 48 × 48 × 16 volume halves on every axis.
    const { segmenter } = await loadModelFile(fixture('local3d_2ch.manifest.json'));
    const dims: [number, number, number] = [48, 48, 16];
    const image = createVolume(new Float32Array(48 * 48 * 16), dims, { spacing: [1, 1, 2] });
    const predictor = await segmenter.bind(image);
    expect(predictor.outputSize).toBe(24 * 24 * 8);
    const inBox = (i: number, j: number, k: number, min: number[], max: number[]) =>
      i >= min[0] && i < max[0] && j >= min[1] && j < max[1] && k >= min[2] && k < max[2];
    const region = Uint8Array.from({ length: 48 * 48 * 16 }, (_, v) =>
      inBox(v % 48, Math.floor(v / 48) % 48, Math.floor(v / (48 * 48)), [8, 16, 4], [24, 32, 10]) ? 1 : 0,
    );
    // Output voxel d reads image voxel 2d + 1: the box [8, 24) × [16, 32) × [4, 10) is [4, 12) × [8, 16) × [2, 5).
    const expected = Array.from({ length: 24 * 24 * 8 }, (_, v) =>
      inBox(v % 24, Math.floor(v / 24) % 24, Math.floor(v / (24 * 24)), [4, 8, 2], [12, 16, 5]) ? 1 : 0,
    );
    expect(Array.from(predictor.outputMask!(region))).toEqual(expected);
  });
});
