/** Deletion and insertion AUC on a scale whose best value only a perfect map reaches. */
export interface NormalisedCausalAuc {
  /** 0 only when the first step already removes all of the organ score; 1 when nothing falls. */
  deletion: number;
  /** 1 only when the first step already restores all of the organ score; 0 when nothing returns. */
  insertion: number;
  /** The insertion curve's start: the organ score on the blurred image, before any voxel is restored. */
  insertionStart: number;
}

/**
 * Deletion/insertion curves (normalised organ score per step, step 0 the unperturbed image or the
 * blurred one) as AUCs in [0, 1] that only a perfect map can bring to their best value: every point
 * is clipped to [0, 1] (a perturbed image scoring above the original counts as the original's
 * score, so insertion cannot exceed 1), and the area is the mean of steps 1 … S (right Riemann
 * sum), leaving out step 0, which the image fixes whatever the map (deletion starts at 1, insertion
 * at `insertionStart`). A deletion AUC of 0 then needs the score gone after the first step, an
 * insertion AUC of 1 the score back after it; the trapezoid rule's AUC keeps half of step 0 and so
 * can never reach either bound.
 */
export function normalisedCausalAuc(curves: {
  deletion: number[];
  insertion: number[];
}): NormalisedCausalAuc {
  const mean = (curve: number[]) =>
    curve.slice(1).reduce((sum, value) => sum + Math.min(1, Math.max(0, value)), 0) / (curve.length - 1);
  return {
    deletion: mean(curves.deletion),
    insertion: mean(curves.insertion),
    insertionStart: curves.insertion[0],
  };
}
