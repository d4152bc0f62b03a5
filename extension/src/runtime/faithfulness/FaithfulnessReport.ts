import { NormalisedCausalAuc } from '../../engine/metrics/normalisedCausalAuc';

/** Deletion and insertion AUC of one voxel order (see engine/metrics/deletionInsertion). */
export interface CausalAuc {
  /** Mean normalised organ score while the top voxels are removed: lower is more faithful. */
  deletionAuc: number;
  /** Mean normalised organ score while they are restored into a blurred image: higher is more faithful. */
  insertionAuc: number;
}

/** One explained image's faithfulness figures. */
export interface ImageFaithfulness extends CausalAuc {
  /** Slice index, or null for a 3-D model's volume. */
  slice: number | null;
  /**
   * Voxels of the explained target on the image (its explained slices for a 3-D model): the
   * predicted organ, or the run's target region.
   */
  targetVoxels: number;
  /** Voxels the curves order: the ROI's (the whole image without an ROI). */
  orderedVoxels: number;
  /** Voxels removed at the curves' end: `organMultiple` × the target, at most the ROI. */
  removedVoxels: number;
  /** The same AUCs on the scale only a perfect map reaches the best of, with the insertion start. */
  normalised: NormalisedCausalAuc;
  /** The same curves for a seeded random order of the same voxels, when asked for. */
  random?: CausalAuc;
  randomNormalised?: NormalisedCausalAuc;
  /** Whether the map's maximum lies inside the target; null when the map is 0 everywhere. */
  pointingHit: boolean | null;
}

/**
 * How faithful a finished map is to the model, on the run's own target (organ, explained slices,
 * target kind, fill): deletion/insertion AUC over the ROI's order, the same for a random order,
 * and the pointing game. Means are over the images with the organ.
 */
export interface FaithfulnessReport extends CausalAuc {
  random?: CausalAuc;
  /** The random order's patch edge in mm (0: voxel by voxel); with `random`. */
  randomPatchMm?: number;
  /** Images whose map's maximum lies in the target, of the images whose map has one. */
  pointingGame: { hits: number; images: number };
  /** Curve steps per order. */
  steps: number;
  /** How far the curves run, in target sizes (the predicted organ's or the region's; capped at the ROI). */
  organMultiple: number;
  images: ImageFaithfulness[];
  passes: number;
  ms: number;
  notes: string[];
}
