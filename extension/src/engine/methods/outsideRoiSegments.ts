import { forEachRoiVoxel, isOutsideRoi, roiVoxelCount } from '../roi/roiVoxels';
import { Box, forEachVoxelInBox, fullBox } from '../volume/Box';
import { Vec3, Volume } from '../volume/Volume';
import { slicSuperpixels } from '../util/slicSuperpixels';
import { OutsideTile } from './outsideRoiTiles';

/**
 * Tiles outside the ROI that follow the anatomy instead of a grid: SLIC superpixels of
 * `regionSizeMm` (`slicSuperpixels`), computed on a copy of the image whose ROI (box, or
 * `roiMask`'s region) is painted at the image minimum so that no superpixel straddles the ROI
 * edge; each superpixel's voxels outside the ROI form one tile. A region of one tissue (e.g. a
 * vertebra whose removal raises the organ score) then lands in a tile of its own instead of
 * sharing a square with the context around it.
 */
export function outsideRoiSegments(
  image: Volume<Float32Array>,
  roi: Box,
  regionSizeMm: number,
  roiMask?: Uint8Array,
): OutsideTile[] {
  const { dimensions } = image;
  // Nothing lies outside an ROI that is the whole image: skip the superpixels (~0.6 s a CT slice).
  if (roiVoxelCount(roi, roiMask, dimensions) === image.data.length) return [];
  const painted = image.data.slice();
  let lowest = Infinity;
  for (const value of painted) if (value < lowest) lowest = value;
  forEachRoiVoxel(roi, roiMask, dimensions, (v) => {
    painted[v] = lowest;
  });
  const { labels, count } = slicSuperpixels(
    { ...image, data: painted },
    { box: fullBox(dimensions), regionSizeMm },
  );

  const sizes = new Uint32Array(count);
  const boxes = Array.from({ length: count }, () => ({
    min: [Infinity, Infinity, Infinity] as Vec3,
    max: [-Infinity, -Infinity, -Infinity] as Vec3,
  }));
  const outside = (v: number, i: number, j: number, k: number) => isOutsideRoi(roi, roiMask, v, i, j, k);
  forEachVoxelInBox(fullBox(dimensions), dimensions, (v, i, j, k) => {
    if (!outside(v, i, j, k)) return;
    const label = labels[v];
    sizes[label]++;
    const { min, max } = boxes[label];
    [i, j, k].forEach((x, axis) => {
      min[axis] = Math.min(min[axis], x);
      max[axis] = Math.max(max[axis], x + 1);
    });
  });
  const members = Array.from(sizes, (size) => new Uint32Array(size));
  const filled = new Uint32Array(count);
  forEachVoxelInBox(fullBox(dimensions), dimensions, (v, i, j, k) => {
    if (outside(v, i, j, k)) members[labels[v]][filled[labels[v]]++] = v;
  });
  const tiles: OutsideTile[] = [];
  members.forEach((voxels, label) => {
    if (voxels.length > 0) tiles.push({ box: boxes[label], outsideVoxels: voxels.length, voxels });
  });
  return tiles;
}
