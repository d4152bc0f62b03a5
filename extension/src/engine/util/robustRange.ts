import { Box, boxVoxelCount, forEachVoxelInBox } from '../volume/Box';
import { Volume } from '../volume/Volume';

/** At most this many voxels are sorted for the percentiles: a regular subsample of larger boxes. */
const LARGEST_SAMPLE = 1 << 20;

/**
 * The `percent`-th and (100 − `percent`)-th percentiles of the image's intensities inside `box`:
 * a range that a few extreme voxels (padding outside the scanner's field, metal) do not stretch.
 */
export function robustRange(image: Volume<Float32Array>, box: Box, percent = 1): [number, number] {
  const stride = Math.max(1, Math.ceil(boxVoxelCount(box) / LARGEST_SAMPLE));
  const values: number[] = [];
  let n = 0;
  forEachVoxelInBox(box, image.dimensions, (v) => {
    if (n++ % stride === 0) values.push(image.data[v]);
  });
  if (values.length === 0) return [0, 0];
  const sorted = Float32Array.from(values).sort();
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  return [at(percent / 100), at(1 - percent / 100)];
}
