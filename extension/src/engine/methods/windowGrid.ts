import { Box } from '../volume/Box';
import { Vec3 } from '../volume/Volume';

/** Occlusion window positions along one axis: start indices and the (clipped) window end. */
export interface AxisWindows {
  starts: number[];
  ends: number[];
}

/**
 * Window positions per axis, Captum's convention: starts at 0, s, 2s, … with
 * ⌈(L − w) / s⌉ + 1 positions, the last window clipped at the edge. With an ROI, only the
 * positions whose window overlaps the ROI box are kept; the grid is the same as the full
 * image's, so ROI and full-image runs share windows.
 */
export function windowGrid(dimensions: Vec3, window: Vec3, stride: Vec3, roi: Box): AxisWindows[] {
  return [0, 1, 2].map((axis) => {
    const length = dimensions[axis];
    const w = Math.min(window[axis], length);
    const s = Math.max(1, Math.min(stride[axis], w));
    const positions = Math.ceil((length - w) / s) + 1;
    const axisWindows: AxisWindows = { starts: [], ends: [] };
    for (let n = 0; n < positions; n++) {
      const start = n * s;
      const end = Math.min(start + w, length);
      if (end > roi.min[axis] && start < roi.max[axis]) {
        axisWindows.starts.push(start);
        axisWindows.ends.push(end);
      }
    }
    return axisWindows;
  });
}
