import { Box } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { Roi } from './Roi';

/**
 * The ROI covering both `roi` and `other` (the same volume grid), e.g. an organ's ROI and the
 * region being explained, which may lie outside it. Keeps `roi`'s source and map; a mask-shaped
 * union where both are regions, else boxes (per slice where either has slice boxes). A whole-image
 * fallback stays one.
 */
export function roiUnion(roi: Roi, other: Roi, dimensions: Vec3): Roi {
  if (roi.fallbackReason) return roi;
  const sliceBoxes =
    roi.sliceBoxes || other.sliceBoxes
      ? Array.from({ length: dimensions[2] }, (_, k) => unionOf(sliceBoxOf(roi, k), sliceBoxOf(other, k)))
      : undefined;
  const mask = roi.mask && other.mask && roi.mask.map((m, v) => (m || other.mask![v] ? 1 : 0));
  return {
    ...roi,
    box: unionOf(roi.box, other.box)!,
    ...(sliceBoxes ? { sliceBoxes } : {}),
    mask,
  };
}

/** The ROI's box on slice k (z = k … k + 1), or null where it misses the slice. */
function sliceBoxOf(roi: Roi, k: number): Box | null {
  if (roi.sliceBoxes) return roi.sliceBoxes[k];
  if (k < roi.box.min[2] || k >= roi.box.max[2]) return null;
  return { min: [roi.box.min[0], roi.box.min[1], k], max: [roi.box.max[0], roi.box.max[1], k + 1] };
}

/** The bounding box of two boxes (either may be null). */
function unionOf(a: Box | null, b: Box | null): Box | null {
  if (!a || !b) return a ?? b;
  return {
    min: a.min.map((m, axis) => Math.min(m, b.min[axis])) as Vec3,
    max: a.max.map((m, axis) => Math.max(m, b.max[axis])) as Vec3,
  };
}
