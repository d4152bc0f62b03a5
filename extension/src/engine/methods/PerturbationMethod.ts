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
  /**
   * The part of the image the explanation is about (a 3-D model's explained slices); nothing
   * outside it is perturbed. Absent: the whole image.
   */
  region?: Box;
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
  /**
   * The running estimate from the scores received so far, shaped as `finish`'s map (for a
   * viewer that paints while the run goes on); changes nothing `finish` returns. Absent: the
   * method shows nothing before the end.
   */
  partial?(baselineScore: number): Float32Array;
  /**
   * After `finish`: the held-out R² of a surrogate model the map was read from (LIME's linear fit),
   * NaN where it cannot be measured. Absent: the method fits no surrogate.
   */
  surrogateR2?(): number | undefined;
}

export interface PerturbationMethod<Options extends object = object> {
  readonly id: MethodId;
  readonly label: string;
  /** Whether the map depends on the run's seed (random masks or samples); occlusion's does not. */
  readonly seeded: boolean;
  readonly defaults: Options;
  plan(context: PerturbationContext, options: Options): PerturbationPlan;
  /**
   * The options a user may set by name (`methodOptions` of a request; the panel's fields, the
   * CLI's --method-option, the bench's settings): declared once here, every host follows.
   */
  readonly parameters: readonly MethodParameter<Options>[];
  /** A second round that spends passes only where a cheaper first round found saliency. */
  readonly refinement?: Refinement<Options>;
}

/** One user-settable option of a method. */
export interface MethodParameter<Options extends object = object> {
  key: Extract<keyof Options, string>;
  label: string;
  /** One line a panel tooltip and the CLI help show. */
  help: string;
  kind: 'integer' | 'number' | 'choice';
  min?: number;
  max?: number;
  choices?: readonly string[];
}

/**
 * A two-round variant of a method (occlusion's coarse-to-fine): the first round is the method
 * itself with `firstRound`'s options on every explained image; the second round's plan sees the
 * first round's map of its image and returns the final map from `finish`.
 */
export interface Refinement<Options extends object = object, Settings extends object = object> {
  readonly id: string;
  readonly label: string;
  readonly defaults: Settings;
  /** The method options of the first, cheaper round; throws on settings out of range. */
  firstRound(options: Options, settings: Settings): Options;
  plan(
    context: PerturbationContext,
    firstMap: Float32Array,
    options: Options,
    settings: Settings,
  ): RefinementPlan;
}

export interface RefinementPlan extends PerturbationPlan {
  /** Perturbations the method alone would have run on this image: what the refinement saves against. */
  readonly plainCount: number;
}

/** What a refined run cost against the plain method. */
export interface RefinementReport {
  id: string;
  settings: object;
  /** The first round's method options. */
  firstRound: object;
  /** Passes of the first round (baselines included) and of the second (its baselines included). */
  firstRoundPasses: number;
  secondRoundPasses: number;
  /** Perturbations the second round ran, and those the plain method would have run over the same ROI. */
  refinedPerturbations: number;
  plainPerturbations: number;
}

export type MethodId = 'occlusion' | 'rise' | 'lime';

/** How removed voxels are filled: the image minimum (air in CT), its mean, a blurred copy, or a value. */
export type FillMode = 'min' | 'mean' | 'blur' | number;
