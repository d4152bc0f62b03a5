import { largestConnectedComponent } from '../util/largestConnectedComponent';
import { binarize, BinarizeRule } from '../util/binarize';
import { Vec3 } from '../volume/Volume';
import { Roi, RoiShape } from './Roi';
import { roiFromMask } from './roiFromMask';

/**
 * A mask-shaped ROI keeps every connected component of at least this fraction of the largest
 * one's voxels: a box around two components would span the gap between them, a mask does not,
 * and the organ may be the second component where the map also lights a neighbour. Chosen on
 * training slices (models/chaos-clip/MODEL_CARD.md).
 */
export const MASK_COMPONENT_FRACTION = 0.2;

/**
 * ROI from a CLIP-style localisation map (one value per voxel, e.g. the target probability of
 * `targetProbabilityMap` stacked over slices): min–max normalise → threshold → the largest
 * connected component (mask shape: every component of ≥ `MASK_COMPONENT_FRACTION` of it) →
 * per slice, the region or its bounding box over ±`contextSlices` (see roiFromMask) → dilate by
 * `margin` voxels. Falls back to the whole volume, with the reason, when the map is flat or
 * nothing survives.
 */
export function roiFromSimilarity(
  map: Float32Array,
  dimensions: Vec3,
  margin: Vec3,
  options: {
    threshold?: BinarizeRule;
    contextSlices?: number;
    shape?: RoiShape;
    extraDilation?: [number, number];
  } = {},
): Roi {
  const { threshold = { kind: 'otsu' }, contextSlices = 0, shape = 'box', extraDilation } = options;
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
  const keepFraction = shape === 'mask' ? MASK_COMPONENT_FRACTION : 1;
  const components = largestConnectedComponent(binarize(normalised, threshold), dimensions, keepFraction);
  const roi = roiFromMask(components, dimensions, margin, {
    source: 'clip',
    emptyReason: 'no voxel passed the similarity threshold',
    contextSlices,
    shape,
    extraDilation,
  });
  return { ...roi, map: normalised };
}
