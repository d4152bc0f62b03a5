import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { fixture } from '../helpers/plantedImage';

/**
 * A 48 × 48 × 8 CT (1.5 × 1.5 × 4 mm) for local3d_2ch.onnx, which sees it resized to 24 × 24 × 8:
 * a 40 HU body with two 150 HU "liver" blocks on slices 2–5, a large one and a small one.
 */
const [NX, NY, NZ] = [48, 48, 8];
const inLarge = (i: number, j: number, k: number) => i >= 8 && i < 24 && j >= 12 && j < 28 && k >= 2 && k < 6;
const inSmall = (i: number, j: number, k: number) =>
  i >= 30 && i < 38 && j >= 30 && j < 38 && k >= 2 && k < 6;
const coordinates = (v: number) => [v % NX, Math.floor(v / NX) % NY, Math.floor(v / (NX * NY))] as const;
const ct = () =>
  createVolume(
    Float32Array.from({ length: NX * NY * NZ }, (_, v) => {
      const [i, j, k] = coordinates(v);
      return inLarge(i, j, k) || inSmall(i, j, k) ? 150 : 40;
    }),
    [NX, NY, NZ],
    { spacing: [1.5, 1.5, 4] },
  );

describe('a target region with a 3-D model that resizes the volume', () => {
  it("explains the small block's component on one slice: the map stays on it", async () => {
    const loaded = await loadModelFile(fixture('local3d_2ch.manifest.json'));
    const explanation = await runExplanation(loaded, ct(), {
      organ: 'liver',
      method: 'occlusion',
      windowMm: 6,
      strideMm: 3,
      outsideTileFactor: 0,
      roi: 'mask',
      marginMm: 6,
      scope: 'slice',
      slice: 3,
      fill: -1000,
      batchSize: 8,
      targetRegion: { component: 2 },
    });
    const { result, explainedTarget } = explanation;
    expect(explainedTarget).toMatchObject({ kind: 'component', index: 2, of: 2 });
    // The small block on slice 3 (8 × 8 voxels), as the model predicts it through the resize.
    const { voxels } = explainedTarget as { voxels: number };
    expect(Math.abs(voxels - 64)).toBeLessThanOrEqual(16);
    expect(result.images[0].targetVoxels).toBeGreaterThan(0);
    expect(result.images[0].targetVoxels).toBeLessThan(result.images[0].organVoxels);
    let onSmall = 0;
    let onLarge = 0;
    let total = 0;
    result.saliency.data.forEach((s, v) => {
      const [i, j, k] = coordinates(v);
      total += Math.abs(s);
      // Within 3 voxels (half a window, and the model's 3 × 3 means at half resolution) of a block.
      if (i >= 27 && i < 41 && j >= 27 && j < 41 && k === 3) onSmall += Math.abs(s);
      if (i >= 5 && i < 27 && j >= 9 && j < 31) onLarge += Math.abs(s);
    });
    expect(total).toBeGreaterThan(0);
    expect(onSmall / total).toBeGreaterThanOrEqual(0.9);
    expect(onLarge / total).toBeLessThan(0.05);
  });
});
