import { resampleFootprint, resampleLinear } from '../../engine/util/resample';
import { Box, boxVoxelCount } from '../../engine/volume/Box';
import { changedBox } from '../../engine/volume/changedBox';
import { firstDifference } from '../../engine/volume/firstDifference';
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
  private preparedReference?: Float32Array;
  /** Where `changes` prepares a footprint; kept between calls. */
  private scratchItem?: Float32Array;

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
    const footprint = this.footprintOf(image);
    if (footprint && this.isLarge(footprint)) {
      this.writeRegion(image, item);
      return;
    }
    item.set(this.referenceItem());
    if (footprint) this.writeRegion(image, item, footprint);
  }

  /**
   * Whether the item of `image` differs from the reference's: false also where the changed voxels
   * give the same channel values (e.g. −1000 and −1024 HU both clip to 0 in a 40/400 window).
   * A change over most of the grid (RISE, LIME) counts as a change unchecked: checking it would
   * prepare the whole item twice.
   */
  changes(image: Float32Array): boolean {
    const footprint = this.footprintOf(image);
    if (!footprint) return false;
    if (this.isLarge(footprint)) return true;
    const reference = this.referenceItem();
    const item = (this.scratchItem ??= new Float32Array(this.itemSize));
    item.set(reference);
    this.writeRegion(image, item, footprint);
    return firstDifference(item, reference) < this.itemSize;
  }

  /** The network-grid box that `image`'s change against the reference reaches; null: no change. */
  private footprintOf(image: Float32Array): Box | null {
    const changed = changedBox(image, this.reference, this.source);
    return changed && resampleFootprint(changed, this.source, this.grid);
  }

  /** Whether a footprint covers most of the grid: then the whole item is prepared. */
  private isLarge(footprint: Box): boolean {
    return boxVoxelCount(footprint) > this.gridSize / 2;
  }

  /** The reference's item, prepared on first use. */
  private referenceItem(): Float32Array {
    return (this.preparedReference ??= this.wholeItem(this.reference));
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
