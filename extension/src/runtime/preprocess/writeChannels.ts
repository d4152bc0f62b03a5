import { ChannelTransform } from '../manifest/ModelManifest';
import { IntensityStatistics } from './intensityStatistics';

/**
 * Writes one image as network channels into `out` (channel-major, `stride` values per
 * channel, image placed at the start of each channel plane by `placement`, the rest left as
 * is). Several CT windows as channels work by listing several `window` transforms.
 */
export function writeChannels(
  image: Float32Array,
  channels: ChannelTransform[],
  statistics: IntensityStatistics,
  out: Float32Array,
  stride: number,
  placement?: (voxel: number) => number,
): void {
  channels.forEach((channel, c) => {
    const [scale, offset, low, high] = affineOf(channel, statistics);
    const base = c * stride;
    if (!placement) {
      for (let v = 0; v < image.length; v++) {
        const value = (image[v] - offset) * scale;
        out[base + v] = value < low ? low : value > high ? high : value;
      }
      return;
    }
    for (let v = 0; v < image.length; v++) {
      const value = (image[v] - offset) * scale;
      out[base + placement(v)] = value < low ? low : value > high ? high : value;
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
