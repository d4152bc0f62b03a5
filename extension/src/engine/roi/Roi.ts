import { Box } from '../volume/Box';

export type RoiSource = 'clip' | 'mask' | 'none';

/**
 * The ROI's shape: its bounding box (the paper's), or the region itself (`Roi.mask`), which on a
 * large or curved organ leaves out the box's corners and can hold several components.
 */
export type RoiShape = 'box' | 'mask';

/**
 * Where perturbations may go. `box` is the dilated 3-D box on the volume grid; for 2-D
 * models `sliceBoxes[k]` is the (dilated) box on slice k, null where the ROI misses it.
 * A mask-shaped ROI also has `mask`: 1 on its voxels (volume grid; plane k is slice k's
 * region, which `sliceBoxes[k]` bounds).
 */
export interface Roi {
  source: RoiSource;
  box: Box;
  sliceBoxes?: (Box | null)[];
  mask?: Uint8Array;
  /** Why the ROI fell back to the whole image, if it did. */
  fallbackReason?: string;
  /** Normalised localisation map on the volume grid (CLIP ROIs), for display. */
  map?: Float32Array;
}

/** The shape an ROI has (a region carries its mask). */
export function roiShapeOf(roi: Roi): RoiShape {
  return roi.mask ? 'mask' : 'box';
}

/** Default `RoiShape`. */
export const DEFAULT_ROI_SHAPE: RoiShape = 'mask';
