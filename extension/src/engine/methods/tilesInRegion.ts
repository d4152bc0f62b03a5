import { Box, boxContains } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { OutsideTile } from './outsideRoiTiles';

/**
 * `tiles` cut to `region` (a 3-D model's explained slices): a map of those slices has no use for
 * the outside of other slices, and each pass it spends there is a pass wasted. Tiles left with
 * no voxel are dropped.
 */
export function tilesInRegion(tiles: OutsideTile[], region: Box, dimensions: Vec3): OutsideTile[] {
  const [nx, ny] = dimensions;
  return tiles.flatMap((tile) => {
    const voxels = tile.voxels.filter((v) =>
      boxContains(region, v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))),
    );
    if (voxels.length === 0) return [];
    const box: Box = {
      min: tile.box.min.map((m, a) => Math.max(m, region.min[a])) as Vec3,
      max: tile.box.max.map((m, a) => Math.min(m, region.max[a])) as Vec3,
    };
    return [{ box, outsideVoxels: voxels.length, voxels }];
  });
}
