import { resampleSourceBox } from '../engine/util/resample';
import { Box, boundingBoxOf, forEachVoxelInBox } from '../engine/volume/Box';
import { VoxelReorder } from '../engine/volume/reorient';
import { Vec3 } from '../engine/volume/Volume';
import { voxelCount } from '../engine/volume/volumeUtils';

/**
 * The voxels of a model's output grid (`grid`, in the network's orientation; 1 inside) that its
 * probabilities on `imageBox` of the bound image (`imageDimensions`, source order) are mostly
 * read from: the box turned into the network's orientation by `reorder`, then mapped to the grid
 * voxels the linear resampling back to `referenceDimensions` weighs by ½ or more. A slice of a
 * volume resized to fewer network slices reads its nearest network slice, not the one beside it
 * that it takes a few per cent from.
 */
export function outputRegionOf(
  imageBox: Box,
  imageDimensions: Vec3,
  reorder: VoxelReorder | undefined,
  referenceDimensions: Vec3,
  grid: Vec3,
): Uint8Array {
  let oriented = imageBox;
  if (reorder) {
    const inside = new Float32Array(voxelCount(imageDimensions));
    forEachVoxelInBox(imageBox, imageDimensions, (v) => (inside[v] = 1));
    const gathered = new Float32Array(inside.length);
    reorder.gather(inside, gathered);
    oriented = boundingBoxOf(gathered, referenceDimensions) ?? { min: [0, 0, 0], max: [0, 0, 0] };
  }
  const region = new Uint8Array(voxelCount(grid));
  forEachVoxelInBox(resampleSourceBox(oriented, grid, referenceDimensions), grid, (v) => (region[v] = 1));
  return region;
}
