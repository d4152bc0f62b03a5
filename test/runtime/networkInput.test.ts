import { createRandom } from '../../extension/src/engine/util/random';
import { Box, forEachVoxelInBox } from '../../extension/src/engine/volume/Box';
import { Vec3 } from '../../extension/src/engine/volume/Volume';
import { ChannelTransform } from '../../extension/src/runtime/manifest/ModelManifest';
import { intensityStatistics } from '../../extension/src/runtime/preprocess/intensityStatistics';
import { NetworkInput } from '../../extension/src/runtime/preprocess/NetworkInput';

describe('NetworkInput', () => {
  const random = createRandom(21);
  const channels: ChannelTransform[] = [{ kind: 'window', center: 40, width: 400 }, { kind: 'zscore' }];

  // Source grid, network grid, padded grid.
  const layouts: [Vec3, Vec3, Vec3][] = [
    [
      [120, 100, 1],
      [64, 48, 1],
      [64, 64, 1],
    ], // CT slice downsampled, padded in j
    [
      [50, 40, 1],
      [50, 40, 1],
      [56, 40, 1],
    ], // no resampling, padded in i
    [
      [20, 18, 10],
      [16, 16, 12],
      [16, 16, 16],
    ], // 3-D, up in k, padded in k
  ];

  const networkOf = (reference: Float32Array, [source, grid, padded]: [Vec3, Vec3, Vec3]) =>
    new NetworkInput(reference, source, grid, padded, channels, intensityStatistics(reference, channels));

  it.each(layouts)(
    'prepares a perturbed copy bit-identical to preparing it whole (%j → %j)',
    (source, grid, padded) => {
      const size = source[0] * source[1] * source[2];
      const reference = new Float32Array(size).map(() => random() * 1200 - 400);
      const network = networkOf(reference, [source, grid, padded]);
      const item = new Float32Array(network.itemSize);
      const windows: Box[] = [
        { min: [5, 7, 0], max: [25, 19, 1] },
        { min: [0, 0, 0], max: [3, 4, 1] },
        { min: [source[0] - 6, source[1] - 2, source[2] - 1], max: source },
      ];
      const perturbed = [
        Float32Array.from(reference),
        ...windows.map((window) => {
          const image = Float32Array.from(reference);
          forEachVoxelInBox(window, source, (v) => (image[v] = -1000));
          return image;
        }),
        reference.map((value) => value * 0.5), // changed everywhere: prepared whole
      ];
      const stale = network.wholeItem(reference.map((value) => -value));
      for (const image of perturbed) {
        item.set(stale); // an earlier batch's item must not leak through
        network.write(image, item);
        expect(item).toEqual(network.wholeItem(image));
      }
    },
  );

  it('leaves the padding at zero', () => {
    const [source, grid, padded] = layouts[0];
    const reference = new Float32Array(source[0] * source[1]).map(() => random() * 100);
    const item = networkOf(reference, layouts[0]).wholeItem(reference);
    const plane = padded[0] * padded[1];
    for (let c = 0; c < channels.length; c++) {
      for (let j = grid[1]; j < padded[1]; j++) {
        for (let i = 0; i < padded[0]; i++) expect(item[c * plane + j * padded[0] + i]).toBe(0);
      }
    }
  });
});
