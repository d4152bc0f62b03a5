import { mmToVoxels } from '../engine/methods/mmToVoxels';
import { Vec3 } from '../engine/volume/Volume';
import { ResolvedRequest } from './resolveRequest';

/** ROI margin: marginMm, at least half the occlusion window; none across slices for 2-D models. */
export function roiMarginVoxels(
  request: ResolvedRequest,
  grid: { spacing: Vec3; dimensions: Vec3 },
  dimensionality: 2 | 3,
): Vec3 {
  const margin = mmToVoxels(
    Math.max(request.marginMm, (request.windowMm ?? 0) / 2),
    grid.spacing,
    grid.dimensions,
  );
  if (dimensionality === 2) margin[2] = 0;
  return margin;
}
