import { Vec3 } from '../engine/volume/Volume';
import { DisplaySet } from './ohifTypes';
import { ActiveSeries } from './readActiveVolume';

/**
 * An explained series as its overlays and SEGs need it: where it is shown, the image of each
 * slice and the grid, but no voxels. What the extension keeps of a series after a run: the voxels
 * went to the worker (their buffer is detached), and the viewer's cache still holds the images.
 */
export interface SeriesLayout {
  viewportId: string;
  displaySet: DisplaySet;
  /** imageIds[k]: the image of volume slice k. */
  imageIds: string[];
  dimensions: Vec3;
}

export function layoutOf({ viewportId, displaySet, imageIds, volume }: ActiveSeries): SeriesLayout {
  return { viewportId, displaySet, imageIds, dimensions: volume.dimensions };
}
