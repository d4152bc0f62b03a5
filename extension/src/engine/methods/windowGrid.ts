import { Box } from '../volume/Box';
import { Vec3 } from '../volume/Volume';

/**
 * Occlusion windows, Captum's convention per axis: starts at 0, s, 2s, … with
 * ⌈(L − w) / s⌉ + 1 positions, the last window clipped at the edge. With an ROI box, only the
 * windows overlapping it are kept; the grid is the same as the full image's, so ROI and
 * full-image runs share windows. Storage order (i fastest).
 */
export function windowGrid(dimensions: Vec3, window: Vec3, stride: Vec3, roi: Box): Box[] {
  const axes = [0, 1, 2].map((axis) => {
    const length = dimensions[axis];
    const w = Math.min(window[axis], length);
    const s = Math.max(1, Math.min(stride[axis], w));
    const positions = Math.ceil((length - w) / s) + 1;
    const spans: [number, number][] = [];
    for (let n = 0; n < positions; n++) {
      const start = n * s;
      const end = Math.min(start + w, length);
      if (end > roi.min[axis] && start < roi.max[axis]) spans.push([start, end]);
    }
    return spans;
  });
  const windows: Box[] = [];
  for (const [k0, k1] of axes[2]) {
    for (const [j0, j1] of axes[1]) {
      for (const [i0, i1] of axes[0]) windows.push({ min: [i0, j0, k0], max: [i1, j1, k1] });
    }
  }
  return windows;
}
