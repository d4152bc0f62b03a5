import { Box, fullBox } from '../../engine/volume/Box';
import { Vec3 } from '../../engine/volume/Volume';
import { ChannelTransform } from '../manifest/ModelManifest';
import { IntensityStatistics } from './intensityStatistics';

/** Where an image sits in a network's channel planes: a grid placed at the start of a larger (padded) one. */
export interface ChannelLayout {
  grid: Vec3;
  padded: Vec3;
  /** The box of the grid to write (default: all of it); the rest of `out` is left as it is. */
  box?: Box;
}

/**
 * Writes one image as network channels into `out` (channel-major, `stride` values per
 * channel). Without `layout` the image fills the start of each channel plane; with it, the image's
 * grid sits at the start of a padded grid and only `layout.box` is written. Several CT windows as
 * channels work by listing several `window` transforms.
 */
export function writeChannels(
  image: Float32Array,
  channels: ChannelTransform[],
  statistics: IntensityStatistics,
  out: Float32Array,
  stride: number,
  layout: ChannelLayout = { grid: [image.length, 1, 1], padded: [image.length, 1, 1] },
): void {
  const { grid, padded } = layout;
  const box = layout.box ?? fullBox(grid);
  channels.forEach((channel, c) => {
    const [scale, offset, low, high] = affineOf(channel, statistics);
    for (let k = box.min[2]; k < box.max[2]; k++) {
      for (let j = box.min[1]; j < box.max[1]; j++) {
        const from = box.min[0] + grid[0] * (j + grid[1] * k);
        const to = c * stride + box.min[0] + padded[0] * (j + padded[1] * k) - from;
        for (let v = from, end = from + box.max[0] - box.min[0]; v < end; v++) {
          const value = (image[v] - offset) * scale;
          out[to + v] = value < low ? low : value > high ? high : value;
        }
      }
    }
  });
}

/** Each transform is (x − offset)·scale clipped to [low, high]. */
function affineOf(
  channel: ChannelTransform,
  statistics: IntensityStatistics,
): [number, number, number, number] {
  switch (channel.kind) {
    case 'window':
      return [1 / channel.width, channel.center - channel.width / 2, 0, 1];
    case 'zscore':
      return [1 / (statistics.std || 1), statistics.mean, -Infinity, Infinity];
    case 'percentile': {
      const low = statistics.percentiles.get(channel.low)!;
      const high = statistics.percentiles.get(channel.high)!;
      return [1 / (high - low || 1), low, 0, 1];
    }
    case 'raw':
      return [1, 0, -Infinity, Infinity];
  }
}
