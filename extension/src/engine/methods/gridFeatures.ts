import { Box, forEachVoxelInBox } from '../volume/Box';
import { Volume } from '../volume/Volume';
import { mmToVoxels } from './mmToVoxels';

/**
 * Regular-grid interpretable features for LIME: cells of `cellMm` tiling the ROI box from
 * its corner. Returns a label per image voxel (−1 outside the box) and the number of cells.
 */
export function gridFeatures(image: Volume, roi: Box, cellMm: number): { labels: Int32Array; count: number } {
  const cell = mmToVoxels(cellMm, image.spacing, image.dimensions);
  const cells = [0, 1, 2].map((a) => Math.ceil((roi.max[a] - roi.min[a]) / cell[a]));
  const labels = new Int32Array(image.data.length).fill(-1);
  forEachVoxelInBox(roi, image.dimensions, (v, i, j, k) => {
    const ci = Math.floor((i - roi.min[0]) / cell[0]);
    const cj = Math.floor((j - roi.min[1]) / cell[1]);
    const ck = Math.floor((k - roi.min[2]) / cell[2]);
    labels[v] = ci + cells[0] * (cj + cells[1] * ck);
  });
  return { labels, count: cells[0] * cells[1] * cells[2] };
}
