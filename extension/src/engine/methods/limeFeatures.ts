import { forEachRoiVoxel } from '../roi/roiVoxels';
import { fullBox } from '../volume/Box';
import { robustRange } from '../util/robustRange';
import { slicSuperpixels } from '../util/slicSuperpixels';
import { gridFeatures } from './gridFeatures';
import { PerturbationContext } from './PerturbationMethod';

/** LIME's interpretable features: a label per image voxel (−1 outside the ROI), dense 0 … count − 1. */
export interface LimeFeatures {
  labels: Int32Array;
  count: number;
}

/**
 * The features LIME switches: SLIC superpixels or grid cells of `featureSizeMm` over the whole
 * explained image (a 3-D model's explained slices), cut to the ROI (its box, or a mask-shaped
 * ROI's region). The superpixels' intensities are scaled by the image's robust range (1st–99th
 * percentile), not the ROI's, so an ROI run and a full-image run cut the same features where they
 * overlap: the ROI's features are the full run's, clipped at the ROI's edge. Features without a
 * voxel in the ROI are dropped and the rest renumbered in storage order, so no sample switches a
 * feature that changes nothing.
 */
export function limeFeatures(
  context: Pick<PerturbationContext, 'image' | 'roi' | 'roiMask' | 'region'>,
  features: 'slic' | 'grid',
  featureSizeMm: number,
): LimeFeatures {
  const { image, roi, roiMask } = context;
  const segmented = context.region ?? fullBox(image.dimensions);
  const whole =
    features === 'slic'
      ? slicSuperpixels(image, {
          box: segmented,
          regionSizeMm: featureSizeMm,
          intensityRange: robustRange(image, segmented),
        })
      : gridFeatures(image, segmented, featureSizeMm);
  const renumbered = new Int32Array(whole.count).fill(-1);
  const labels = new Int32Array(image.data.length).fill(-1);
  let count = 0;
  forEachRoiVoxel(roi, roiMask, image.dimensions, (v) => {
    const label = whole.labels[v];
    if (label < 0) return;
    if (renumbered[label] < 0) renumbered[label] = count++;
    labels[v] = renumbered[label];
  });
  return { labels, count };
}
