import { Volume } from '@xai-clip/engine';
import { checkFreeSpace } from '../outputs/checkFreeSpace';
import type { ExplainCommandOptions } from './ExplainCommandOptions';

/** Room for report.json and the HTML report's text around its image. */
const TEXT_BYTES = 64 * 1024;

/**
 * Upper estimates of `explain`'s outputs on `image`, checked against the free space where they go
 * (checkFreeSpace): the saliency as uncompressed float32, the overlay's three slices as
 * uncompressed RGBA, the Parametric Map's float32 frames, the SEG's frames a byte per voxel.
 */
export function checkExplainOutputSpace(options: ExplainCommandOptions, image: Volume): void {
  const [columns, rows, slices] = image.dimensions;
  const voxels = columns * rows * slices;
  const overlay = 3 * columns * rows * 4;
  checkFreeSpace('--out', options.out, voxels * 4 + overlay + TEXT_BYTES);
  if (options.pmap) checkFreeSpace('--pmap', options.pmap, voxels * 4);
  if (options.seg) checkFreeSpace('--seg', options.seg, voxels);
  if (options.report) checkFreeSpace('--report', options.report, overlay + TEXT_BYTES);
}
