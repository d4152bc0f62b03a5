import { largestConnectedComponent } from '../util/largestConnectedComponent';
import { binarize, BinarizeRule } from '../util/binarize';
import { Vec3 } from '../volume/Volume';
import { Roi } from './Roi';
import { roiFromMask } from './roiFromMask';

/**
 * ROI from a CLIP-style localisation map (one value per voxel, e.g. the target probability of
 * `targetProbabilityMap` stacked over slices): min–max normalise → threshold → largest
 * connected component → bounding box (per slice: over ±`contextSlices`, see roiFromMask) →
 * dilate by `margin` voxels. Falls back to the whole volume, with the reason, when the map is
 * flat or nothing survives.
 */
export function roiFromSimilarity(
  map: Float32Array,
  dimensions: Vec3,
  margin: Vec3,
  options: { threshold?: BinarizeRule; contextSlices?: number } = {},
): Roi {
  const { threshold = { kind: 'otsu' }, contextSlices = 0 } = options;
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < map.length; v++) {
    if (!Number.isFinite(map[v])) throw new Error('The similarity map contains NaN or infinite values.');
    min = Math.min(min, map[v]);
    max = Math.max(max, map[v]);
  }
  const normalised = new Float32Array(map.length);
  if (max - min < 1e-6) {
    return {
      ...roiFromMask(new Uint8Array(map.length), dimensions, margin, {
        source: 'clip',
        emptyReason: 'the similarity map is flat',
      }),
      map: normalised,
    };
  }
  for (let v = 0; v < map.length; v++) normalised[v] = (map[v] - min) / (max - min);
  const component = largestConnectedComponent(binarize(normalised, threshold), dimensions);
  const roi = roiFromMask(component, dimensions, margin, {
    source: 'clip',
    emptyReason: 'no voxel passed the similarity threshold',
    contextSlices,
  });
  return { ...roi, map: normalised };
}
