import { createVolume, voxelToWorld } from '../../../extension/src/engine/volume/volumeUtils';
import { worldToVoxel } from '../../../extension/src/engine/volume/worldToVoxel';

describe('worldToVoxel', () => {
  // An oblique grid: rotated in-plane by 30°, slice normal tilted (a gantry tilt's shear).
  const cos = Math.cos(Math.PI / 6);
  const sin = Math.sin(Math.PI / 6);
  const volume = createVolume(new Uint8Array(7 * 5 * 4), [7, 5, 4], {
    spacing: [0.7, 0.9, 2.5],
    origin: [-120, 35, 1600],
    direction: [cos, sin, 0, -sin, cos, 0, 0.2, 0, Math.sqrt(1 - 0.04)],
  });

  it('inverts voxelToWorld on every voxel of an oblique, sheared grid', () => {
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 5; j++)
        for (let i = 0; i < 7; i++)
          expect(worldToVoxel(volume, voxelToWorld(volume, i, j, k))).toEqual([i, j, k]);
  });

  it('rounds a point between voxel centres to the nearest voxel', () => {
    const near = voxelToWorld(volume, 3.4, 1.6, 2.2);
    expect(worldToVoxel(volume, near)).toEqual([3, 2, 2]);
  });

  it('is null outside the grid', () => {
    expect(worldToVoxel(volume, voxelToWorld(volume, -1, 0, 0))).toBeNull();
    expect(worldToVoxel(volume, voxelToWorld(volume, 0, 0, 4))).toBeNull();
  });
});
