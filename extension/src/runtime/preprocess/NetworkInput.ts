import { resampleFootprint, resampleLinear } from '../../engine/util/resample';
import { Box, boxVoxelCount } from '../../engine/volume/Box';
import { changedBox } from '../../engine/volume/changedBox';
import { Vec3 } from '../../engine/volume/Volume';
import { voxelCount } from '../../engine/volume/volumeUtils';
import { ChannelTransform } from '../manifest/ModelManifest';
import { IntensityStatistics } from './intensityStatistics';
import { writeChannels } from './writeChannels';

/**
 * Prepares images of one bound grid as network input items: resampled to the network grid,
 * turned into channels, placed at the start of the padded grid (the padding is never written).
 *
 * A perturbation method sends many copies of the bound reference image that differ in a small
 * part (an occlusion window). An item is then the reference's item with only the footprint of
 * the change recomputed, bit-identical to preparing the whole image and several times cheaper,
 * which is most of the engine's own time per forward pass. Changes over most of the image (RISE
 * masks, LIME superpixels) are prepared whole.
 */
export class NetworkInput {
  /** Values per item: channels × padded grid. */
  readonly itemSize: number;
  private readonly gridSize: number;
  private readonly resampled: Float32Array;
  private referenceItem?: Float32Array;

  constructor(
    private readonly reference: Float32Array,
    private readonly source: Vec3,
    private readonly grid: Vec3,
    private readonly padded: Vec3,
    private readonly channels: ChannelTransform[],
    private readonly statistics: IntensityStatistics,
  ) {
    this.gridSize = voxelCount(grid);
    this.itemSize = channels.length * voxelCount(padded);
    this.resampled = new Float32Array(this.gridSize);
  }

  /**
   * Writes the item of `image` (on the bound source grid) into `item` (`itemSize` values, its
   * padding zero: it is never written).
   */
  write(image: Float32Array, item: Float32Array): void {
    const changed = changedBox(image, this.reference, this.source);
    const footprint = changed && resampleFootprint(changed, this.source, this.grid);
    if (footprint && boxVoxelCount(footprint) > this.gridSize / 2) {
      this.writeRegion(image, item);
      return;
    }
    item.set((this.referenceItem ??= this.wholeItem(this.reference)));
    if (footprint) this.writeRegion(image, item, footprint);
  }

  /** The item of `image` prepared whole (what `write` must equal). */
  wholeItem(image: Float32Array): Float32Array {
    const item = new Float32Array(this.itemSize);
    this.writeRegion(image, item);
    return item;
  }

  private writeRegion(image: Float32Array, item: Float32Array, region?: Box): void {
    const { source, grid, padded } = this;
    const onGrid = grid.every((n, a) => n === source[a])
      ? image
      : resampleLinear(image, source, grid, this.resampled, region);
    writeChannels(onGrid, this.channels, this.statistics, item, voxelCount(padded), {
      grid,
      padded,
      box: region,
    });
  }
}
