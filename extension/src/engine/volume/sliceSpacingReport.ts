/** How evenly the slices of a stacked series lie, for reports and for refusing gaps. */
export interface SliceSpacingReport {
  /** The spacing the volume uses: the mean step between neighbouring slices (mm). */
  meanStep: number;
  medianStep: number;
  minStep: number;
  maxStep: number;
  /** Largest difference (mm) between one step and the mean step. */
  maxDeviation: number;
  /** Largest distance (mm) between a slice's true position and where the mean step puts it. */
  maxPositionError: number;
  /** Steps more than GAP_FACTOR times the median (a missing slice, most often): after volume slice `after`. */
  gaps: { after: number; step: number }[];
}

/** A step this many times the median step, or more, is a gap: at least one slice is missing there. */
export const GAP_FACTOR = 1.5;

/**
 * The steps between slices at `distances` (mm along the slice normal, ascending). A lone slice has
 * no steps: its report holds `thickness` for every step and no gaps.
 */
export function sliceSpacingReport(distances: number[], thickness: number): SliceSpacingReport {
  const steps = distances.slice(1).map((distance, k) => distance - distances[k]);
  if (steps.length === 0) {
    return {
      meanStep: thickness,
      medianStep: thickness,
      minStep: thickness,
      maxStep: thickness,
      maxDeviation: 0,
      maxPositionError: 0,
      gaps: [],
    };
  }
  const meanStep = (distances[distances.length - 1] - distances[0]) / steps.length;
  const sorted = [...steps].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const medianStep = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    meanStep,
    medianStep,
    minStep: sorted[0],
    maxStep: sorted[sorted.length - 1],
    maxDeviation: Math.max(...steps.map((step) => Math.abs(step - meanStep))),
    maxPositionError: Math.max(...distances.map((d, k) => Math.abs(d - (distances[0] + k * meanStep)))),
    gaps: steps.flatMap((step, after) => (step > GAP_FACTOR * medianStep ? [{ after, step }] : [])),
  };
}
