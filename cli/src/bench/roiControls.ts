import { mmToVoxels, randomOrderMap, Roi } from '@xai-clip/engine';
import { FAITHFULNESS_RANDOM_PATCH_MM } from '@xai-clip/runtime';
import { BenchSlice, truthOf } from './benchSlice';
import { overlapScores } from './overlapScores';
import { roiIndicator } from './roiIndicator';
import { RoiControls } from './schema';

/**
 * What an ROI row's Dice/IoU would be without the explainer: the localiser was trained on the organ
 * masks the maps are scored against, so masking any map by its ROI raises the overlap. Controls:
 * (a) the full run's map masked by the ROI post hoc, (b) the ROI indicator alone, (c) a seeded
 * random map (20 mm patches, as the faithfulness panel's random order) masked by the ROI.
 */
export function roiControls(at: BenchSlice, fullMap: Float32Array, roi: Roi): RoiControls {
  const [nx, ny] = at.data.volume.dimensions;
  const truth = truthOf(at.data.labels, at.slice, at.organ.labelValue);
  const inside = roiIndicator(roi, at.slice, nx, ny);
  const dimensions: [number, number, number] = [nx, ny, 1];
  const random = randomOrderMap(
    dimensions,
    Uint32Array.from({ length: nx * ny }, (_, v) => v),
    at.settings.seed + 1,
    mmToVoxels(FAITHFULNESS_RANDOM_PATCH_MM, at.data.volume.spacing, dimensions),
  );
  const masked = (map: Float32Array) => map.map((value, v) => value * inside[v]);
  const score = (map: Float32Array) => overlapScores(map, truth, at.settings.seed);
  return {
    maskedFull: score(masked(fullMap)),
    roiIndicator: score(inside),
    maskedRandom: score(masked(random)),
  };
}
