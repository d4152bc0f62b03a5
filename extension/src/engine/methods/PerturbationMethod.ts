import { Box } from '../volume/Box';
import { Volume } from '../volume/Volume';

/** What a method may perturb: one image (a slice, or a volume for 3-D models) and its ROI. */
export interface PerturbationContext {
  /** The image being explained, raw intensities. */
  image: Volume<Float32Array>;
  /** Perturbations are confined to this box (already dilated by the ROI margin). */
  roi: Box;
  /** A mask-shaped ROI's voxels (image-sized, 1 = inside `roi`'s region); absent: the whole box. */
  roiMask?: Uint8Array;
  /** Per-voxel replacement values for "removed" voxels (see `fill`). */
  substrate: Float32Array;
  /** Seed of the method's random draws (RISE, LIME). */
  seed: number;
}

/**
 * A method's plan for one image. The shared loop asks it to `write` perturbation i, gives
 * back the target value of that perturbed image through `receive`, and finally asks for the
 * saliency map. Plans never call a model.
 */
export interface PerturbationPlan {
  /** Number of perturbed images, i.e. forward passes besides the unperturbed one. */
  readonly count: number;
  write(index: number, out: Float32Array): void;
  receive(index: number, score: number): void;
  /**
   * Saliency per image voxel (higher = more important). 0 outside the ROI, except where the
   * method covers the outside coarsely (occlusion's outside tiles).
   */
  finish(baselineScore: number): Float32Array;
}

export interface PerturbationMethod<Options extends object = object> {
  readonly id: MethodId;
  readonly label: string;
  readonly defaults: Options;
  plan(context: PerturbationContext, options: Options): PerturbationPlan;
}

export type MethodId = 'occlusion' | 'rise' | 'lime';

/** How removed voxels are filled: the image minimum (air in CT), its mean, a blurred copy, or a value. */
export type FillMode = 'min' | 'mean' | 'blur' | number;
