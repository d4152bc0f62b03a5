import { Volume } from '@xai-clip/engine';

/**
 * Refuses labels that do not lie on the image's grid in space: the same dimensions but another
 * origin, spacing or orientation would score a map against the wrong anatomy (labels shifted by
 * 500 mm still gave Dice 0.96). Tolerances allow the float32 rounding of NIfTI headers: a tenth of
 * the finest voxel for the origin, 0.1 % for the spacing, 0.001 per direction cosine.
 */
export function checkLabelGeometry(labels: Volume, image: Volume, labelsPath: string): void {
  const finest = Math.min(...image.spacing);
  const list = (values: readonly number[]) => values.map((v) => Number(v.toFixed(3))).join(', ');
  const mismatch = (what: string, theirs: readonly number[], ours: readonly number[]) =>
    new Error(
      `The labels ${labelsPath} have the image's dimensions but another ${what} (${list(theirs)} vs the image's ${list(ours)}), ` +
        'so they describe other positions in space. Resample them onto the image (e.g. with ITK-SNAP or SimpleITK) and run again.',
    );
  const shift = Math.hypot(...labels.origin.map((value, a) => value - image.origin[a]));
  if (shift > 0.1 * finest) throw mismatch('origin (mm)', labels.origin, image.origin);
  if (labels.spacing.some((value, a) => Math.abs(value - image.spacing[a]) > 1e-3 * image.spacing[a]))
    throw mismatch('spacing (mm)', labels.spacing, image.spacing);
  if (labels.direction.some((value, n) => Math.abs(value - image.direction[n]) > 1e-3))
    throw mismatch('orientation (direction cosines)', labels.direction, image.direction);
}
