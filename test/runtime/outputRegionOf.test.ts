import { resampleLinear } from '../../extension/src/engine/util/resample';
import { Box, boxContains } from '../../extension/src/engine/volume/Box';
import { voxelReorder } from '../../extension/src/engine/volume/reorient';
import { Vec3 } from '../../extension/src/engine/volume/Volume';
import { createVolume, voxelCount } from '../../extension/src/engine/volume/volumeUtils';
import { outputRegionOf } from '../../extension/src/runtime/outputRegionOf';

/**
 * The output voxels whose value reaches `imageBox` when mapped back as `toImageGrid` does
 * (resampled onto the reference grid, then reordered to source order), one output voxel at a time.
 */
function bruteForce(
  imageBox: Box,
  image: Vec3,
  grid: Vec3,
  reorder?: ReturnType<typeof voxelReorder>,
): Uint8Array {
  const reference = reorder?.dimensions ?? image;
  const region = new Uint8Array(voxelCount(grid));
  const [nx, ny] = image;
  for (let v = 0; v < region.length; v++) {
    const oneHot = new Float32Array(region.length);
    oneHot[v] = 1;
    const onReference = resampleLinear(oneHot, grid, reference);
    const onImage = new Float32Array(onReference.length);
    if (reorder) reorder.scatter(onReference, onImage);
    else onImage.set(onReference);
    onImage.forEach((value, u) => {
      const [i, j, k] = [u % nx, Math.floor(u / nx) % ny, Math.floor(u / (nx * ny))];
      if (value !== 0 && boxContains(imageBox, i, j, k)) region[v] = 1;
    });
  }
  return region;
}

describe('outputRegionOf', () => {
  it('is every output voxel the prediction on one slice is read from, with the slices resized', () => {
    // 12 slices resized to 8: slice 6 of the image interpolates between two network slices.
    const image: Vec3 = [6, 5, 12];
    const grid: Vec3 = [3, 5, 8];
    for (const k of [0, 6, 11]) {
      const slice: Box = { min: [0, 0, k], max: [6, 5, k + 1] };
      const region = outputRegionOf(slice, image, undefined, image, grid);
      expect(Array.from(region)).toEqual(Array.from(bruteForce(slice, image, grid)));
      expect(region.some((m) => m === 0)).toBe(true);
    }
  });

  it('follows the network orientation when the volume is stored otherwise', () => {
    const volume = createVolume(new Float32Array(4 * 6 * 10), [4, 6, 10], {
      spacing: [1, 1, 2],
      // Slices run inferior: an LPS network sees them in the opposite order.
      direction: [1, 0, 0, 0, 1, 0, 0, 0, -1],
    });
    const reorder = voxelReorder(volume, 'LPS', false)!;
    const grid: Vec3 = [4, 3, 4];
    const slab: Box = { min: [1, 0, 1], max: [3, 6, 3] };
    expect(Array.from(outputRegionOf(slab, volume.dimensions, reorder, reorder.dimensions, grid))).toEqual(
      Array.from(bruteForce(slab, volume.dimensions, grid, reorder)),
    );
  });
});
