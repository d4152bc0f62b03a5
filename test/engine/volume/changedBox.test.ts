import { Box, boundingBoxOf, forEachVoxelInBox } from '../../../extension/src/engine/volume/Box';
import { changedBox } from '../../../extension/src/engine/volume/changedBox';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';
import { createRandom } from '../../../extension/src/engine/util/random';

describe('changedBox', () => {
  const random = createRandom(3);

  it('is null for equal images', () => {
    const image = new Float32Array(6 * 5 * 2).map(() => random());
    expect(changedBox(image, Float32Array.from(image), [6, 5, 2])).toBeNull();
  });

  it('is the bounding box of the differing voxels, in 2-D and 3-D', () => {
    for (const dimensions of [
      [31, 17, 1],
      [9, 11, 7],
    ] as Vec3[]) {
      const size = dimensions[0] * dimensions[1] * dimensions[2];
      const reference = new Float32Array(size).map(() => random());
      for (let trial = 0; trial < 40; trial++) {
        // Scattered changes, a window, and single voxels at the grid's corners.
        const image = Float32Array.from(reference);
        const changes = 1 + Math.floor(random() * 6);
        for (let n = 0; n < changes; n++) image[Math.floor(random() * size)] += 1;
        if (trial % 3 === 0) {
          const window: Box = { min: [2, 3, 0], max: [6, 8, 1] };
          forEachVoxelInBox(window, dimensions, (v) => (image[v] = -5));
        }
        const differs = image.map((value, v) => (value !== reference[v] ? 1 : 0));
        expect(changedBox(image, reference, dimensions)).toEqual(boundingBoxOf(differs, dimensions));
      }
      const corners = Float32Array.from(reference);
      corners[0] += 1;
      corners[size - 1] += 1;
      expect(changedBox(corners, reference, dimensions)).toEqual({ min: [0, 0, 0], max: dimensions });
    }
  });
});
