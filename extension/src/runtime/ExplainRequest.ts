import { Scope } from '../engine/explain/Scope';
import { OutsideTileShape } from '../engine/methods/occlusion';
import { FillMode, MethodId } from '../engine/methods/PerturbationMethod';
import { RoiShape, RoiSource } from '../engine/roi/Roi';

/**
 * What to explain instead of the whole predicted organ: one connected component of the model's
 * prediction on the explained slices (1-based, largest first), the predicted component holding a
 * voxel (i, j, k) of the volume grid, or any region of the volume grid (0/1: a segment, a drawn
 * region, a label file), named by `label`.
 */
export type TargetRegionRequest =
  { component: number } | { voxel: [number, number, number] } | { mask: Uint8Array; label: string };

/** One explanation as a user asks for it, the same from the CLI and the viewer. */
export interface ExplainRequest {
  /** A class name or one of its prompts. */
  organ: string;
  method: MethodId;
  roi: RoiSource;
  /** The ROI's bounding box or its region (default 'mask'; see RoiShape). */
  roiShape?: RoiShape;
  scope: Scope;
  slice?: number;
  /**
   * 2-D models, scopes slab and volume: perturb every k-th slice of the ROI's slices (the first and
   * last always) and interpolate the maps between; 'auto': slices about AUTO_SLICE_STRIDE_MM
   * apart (sliceStrideOf); default 1, every slice.
   */
  sliceStride?: number | 'auto';
  windowMm?: number;
  strideMm?: number;
  /** Occlusion: outside-ROI tiles in windows per axis (see OcclusionOptions; 0 = none). */
  outsideTileFactor?: number;
  /** Occlusion: the outside tiles' shape, squares or superpixels (see OcclusionOptions). */
  outsideTiles?: OutsideTileShape;
  /** RISE masks or LIME samples. */
  samples?: number;
  /** Further options of the method by name: its declared `parameters` (text numbers accepted). */
  methodOptions?: Record<string, unknown>;
  marginMm?: number;
  fill?: FillMode;
  target?: 'sum' | 'softDice';
  /** Explain the organ's score over this region instead of over the predicted organ. */
  targetRegion?: TargetRegionRequest;
  /**
   * Perturbed images per model call; 'auto' (the default): the fastest of a few sizes, timed on
   * the explanation's first calls (see BatchTuner).
   */
  batchSize?: number | 'auto';
  seed?: number;
  /**
   * Occlusion only: coarse-to-fine (windows `factor` × larger first, then the fine windows only
   * where the coarse saliency reaches `refineFraction` × its maximum; see methods/coarseToFine).
   */
  coarseToFine?: boolean | { factor?: number; refineFraction?: number };
}
