import { Box } from '../volume/Box';

export type RoiSource = 'clip' | 'mask' | 'none';

/**
 * Where perturbations may go. `box` is the dilated 3-D box on the volume grid; for 2-D
 * models `sliceBoxes[k]` is the (dilated) box on slice k, null where the ROI misses it.
 */
export interface Roi {
  source: RoiSource;
  box: Box;
  sliceBoxes?: (Box | null)[];
  /** Why the ROI fell back to the whole image, if it did. */
  fallbackReason?: string;
  /** Normalised localisation map on the volume grid (CLIP ROIs), for display. */
  map?: Float32Array;
}
