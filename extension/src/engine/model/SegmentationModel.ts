import { Box } from '../volume/Box';
import { Volume } from '../volume/Volume';

/**
 * A segmentation model bound to one image grid: the engine's only door to inference.
 *
 * Images go in on the grid they were bound to (raw intensities, e.g. HU); preprocessing,
 * resampling and batching to the network are the runtime's business.
 */
export interface Predictor {
  /** Class names in output-channel order. */
  readonly classNames: readonly string[];
  /** Voxels per class map in the model's output grid. */
  readonly outputSize: number;
  /**
   * Runs `count` images (each `imageSize` voxels, concatenated) and returns class
   * probabilities `[count, classes, outputSize]` in the model's output grid.
   */
  predict(images: Float32Array, count: number): Promise<Float32Array>;
  /** Maps one item's `[classes, outputSize]` probabilities back onto the bound image grid. */
  toImageGrid(probabilities: Float32Array): Float32Array;
  /**
   * The output voxels (1; `outputSize` values) that `toImageGrid` mostly reads (weight ≥ ½) to
   * fill `imageBox` of the bound image: what the prediction there is made from. Absent: the output
   * grid is the image grid.
   */
  outputRegion?(imageBox: Box): Uint8Array;
  /**
   * A 0/1 mask of the bound image grid on the output grid (a new array of `outputSize` values):
   * nearest neighbour through the predictor's orientation and resize, for a target region the
   * organ score is summed over. Absent: the output grid is the image grid.
   */
  outputMask?(imageMask: Uint8Array): Uint8Array;
  /**
   * Whether `image` (bound grid) gives a network input other than the bound image's, e.g. false
   * for an occlusion window whose voxels all clip to the same CT-window value. Its prediction would
   * then be the unperturbed one, and no pass is spent on it. Absent: only an image equal to the
   * bound one, voxel for voxel, is known to give the same input.
   */
  changesInput?(image: Float32Array): boolean;
}

/** A segmentation model that can be bound to image grids. */
export interface SegmentationModel {
  readonly classNames: readonly string[];
  /** 2: the network sees one slice (NCHW); 3: the whole volume (NCDHW). */
  readonly dimensionality: 2 | 3;
  /**
   * Binds the model to the grid of `reference` (a slice with nz = 1 for 2-D models).
   * Intensity statistics (z-score, percentiles) are taken from `reference` and frozen, so a
   * perturbation cannot shift the normalisation of the image it perturbs.
   */
  bind(reference: Volume): Promise<Predictor>;
}

/** Per-class patch–text similarity of a CLIP-style model, for localising an organ. */
export interface SimilarityModel {
  /**
   * Similarity maps of `slice` (nz = 1) against every prompt class, resampled onto the slice
   * grid: `maps[c]` has nx·ny values. `classes[c]` names the class of map c.
   */
  similarity(slice: Volume, prompts: PromptSet): Promise<{ classes: string[]; maps: Float32Array[] }>;
}

/** The target class and the competing classes, as class names or free text. */
export interface PromptSet {
  target: string;
  others: string[];
}
