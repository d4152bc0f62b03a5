import { resampleLinear } from '../../extension/src/engine/util/resample';
import { Box } from '../../extension/src/engine/volume/Box';
import { voxelReorder } from '../../extension/src/engine/volume/reorient';
import { Vec3 } from '../../extension/src/engine/volume/Volume';
import { createVolume, voxelCount } from '../../extension/src/engine/volume/volumeUtils';
import { outputRegionOf } from '../../extension/src/runtime/outputRegionOf';

/**
 * Along one axis, the output samples (of `outputs`) from the first to the last that some image
 * sample in [first, end) (of `samples`) reads with a weight of at least ½ when resampled back:
 * one output sample at a time.
 */
function mostlyRead(outputs: number, samples: number, first: number, end: number): boolean[] {
  const read = Array.from({ length: outputs }, (_, d) => {
    const oneHot = new Float32Array(outputs);
    oneHot[d] = 1;
    const weights = resampleLinear(oneHot, [outputs, 1, 1], [samples, 1, 1]);
    return weights.subarray(first, end).some((w) => w >= 0.5);
  });
  const [from, to] = [read.indexOf(true), read.lastIndexOf(true)];
  return read.map((_, d) => d >= from && d <= to);
}

/** The output grid's region for `box` of a reference grid, axis by axis (the resampling is separable). */
function bruteForce(box: Box, reference: Vec3, grid: Vec3): number[] {
  const axes = [0, 1, 2].map((a) => mostlyRead(grid[a], reference[a], box.min[a], box.max[a]));
  const region = new Array<number>(voxelCount(grid)).fill(0);
  for (let k = 0, v = 0; k < grid[2]; k++)
    for (let j = 0; j < grid[1]; j++)
      for (let i = 0; i < grid[0]; i++, v++) region[v] = axes[0][i] && axes[1][j] && axes[2][k] ? 1 : 0;
  return region;
}

describe('outputRegionOf', () => {
  it('is the network slices a slice mostly reads when the volume is resized to fewer slices', () => {
    // 12 slices resized to 8 (and 6 columns to 3): each slice reads two network slices, the
    // nearer with a weight above ½ (slice 4 lies halfway: both).
    const image: Vec3 = [6, 5, 12];
    const grid: Vec3 = [3, 5, 8];
    for (const [k, networkSlices] of [
      [0, 1],
      [4, 2],
      [6, 1],
      [11, 1],
    ]) {
      const slice: Box = { min: [0, 0, k], max: [6, 5, k + 1] };
      const region = Array.from(outputRegionOf(slice, image, undefined, image, grid));
      expect(region).toEqual(bruteForce(slice, image, grid));
      expect(region.reduce((sum, m) => sum + m, 0)).toBe(networkSlices * 3 * 5);
    }
  });

  it("spans the network slices between a slab's ends when the volume is resized to more slices", () => {
    const image: Vec3 = [4, 4, 5];
    const grid: Vec3 = [4, 4, 12];
    const slab: Box = { min: [0, 0, 1], max: [4, 4, 3] };
    expect(Array.from(outputRegionOf(slab, image, undefined, image, grid))).toEqual(
      bruteForce(slab, image, grid),
    );
  });

  it('follows the network orientation when the volume is stored otherwise', () => {
    const volume = createVolume(new Float32Array(4 * 6 * 10), [4, 6, 10], {
      spacing: [1, 1, 2],
      // Slices run inferior: an LPS network sees them in the opposite order.
      direction: [1, 0, 0, 0, 1, 0, 0, 0, -1],
    });
    const reorder = voxelReorder(volume, 'LPS', false)!;
    const grid: Vec3 = [4, 3, 4];
    // Slices 1–2 of the stored volume are slices 7–8 of the network's.
    const stored: Box = { min: [1, 0, 1], max: [3, 6, 3] };
    const oriented: Box = { min: [1, 0, 7], max: [3, 6, 9] };
    expect(Array.from(outputRegionOf(stored, volume.dimensions, reorder, reorder.dimensions, grid))).toEqual(
      bruteForce(oriented, reorder.dimensions, grid),
    );
  });
});
