import { Volume } from '@xai-clip/engine';
import { DicomSeriesMeta } from '@xai-clip/io';
import { TargetRegionRequest } from '@xai-clip/runtime';
import { describeLabelValues } from './describeLabelValues';
import { labelValueCounts } from './labelValueCounts';
import { readLabels } from './readLabels';

/**
 * `--target-region <file>` or `<file>:<value>`: the region of a label volume on the image's grid
 * (as --labels: NIfTI, or a folder of PNG masks) to explain: its nonzero voxels, or those of one value.
 */
export async function targetRegionOfLabels(
  spec: string,
  image: Volume & { meta?: DicomSeriesMeta },
): Promise<Extract<TargetRegionRequest, { mask: Uint8Array }>> {
  const picked = /^(.+):(\d+)$/.exec(spec);
  const [file, value] = picked ? [picked[1], Number(picked[2])] : [spec, undefined];
  const labels = await readLabels(file, image);
  const mask = Uint8Array.from(labels.data as ArrayLike<number>, (x) =>
    (value === undefined ? x !== 0 : x === value) ? 1 : 0,
  );
  if (!mask.includes(1)) {
    throw new Error(
      `--target-region ${spec}: no voxel ${value === undefined ? 'is nonzero' : `has the value ${value}`}. ` +
        `The file holds ${describeLabelValues(labelValueCounts(labels.data), file)}.`,
    );
  }
  return { mask, label: spec };
}
