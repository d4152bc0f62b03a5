import { ArrayConvention } from '../../engine/volume/arrayConvention';
import { OrientationCode } from '../../engine/volume/reorient';

/** Intensity → network-input transform of one input channel. */
export type ChannelTransform =
  /** CT window: clip to [centre − width/2, centre + width/2] and scale to [0, 1]. */
  | { kind: 'window'; center: number; width: number }
  /** (x − mean) / std of the unperturbed image. */
  | { kind: 'zscore' }
  /** Clip to the [low, high] percentiles of the unperturbed image and scale to [0, 1]. */
  | { kind: 'percentile'; low: number; high: number }
  /** Values as they are. */
  | { kind: 'raw' };

/** Network input size: resampled to a fixed grid, or any size padded to a multiple. */
export type InputSize = { mode: 'fixed'; shape: number[] } | { mode: 'dynamic'; multiple: number };

export interface SegmenterEntry {
  file: string;
  /** NCHW: the network sees one slice; NCDHW: the whole volume. */
  layout: 'NCHW' | 'NCDHW';
  inputName: string;
  outputName: string;
  /**
   * Fixed shape is [H, W] or [D, H, W] in network (tensor) order, whatever `arrayConvention`
   * says those axes are in the image.
   */
  size: InputSize;
  /**
   * Dynamic size only: resample to this spacing (mm) before padding, in network axis order
   * W, H[, D]: i, j[, k] of the oriented image for 'itk'; k, j, i (2-D: j, i) for 'nibabel'.
   */
  targetSpacingMm?: number[];
  channels: ChannelTransform[];
  activation: 'softmax' | 'sigmoid' | 'none';
  classes: string[];
  /** A fixed batch size the network was exported with; detected from the model when absent. */
  fixedBatch?: number;
  /**
   * The network's activation memory (intermediate tensors) per network voxel and batch item, in
   * bytes: what the memory-aware batching plans with (see estimateItemMemory). Absent: the
   * documented default ACTIVATION_BYTES_PER_VOXEL (1024), sized for a 3-D U-Net. Measure it with
   * `xai-clip models validate MANIFEST --measure-memory`.
   */
  activationBytesPerVoxel?: number;
  /** The voxel orientation the network was trained on (see `Orientation`); default 'native'. */
  orientation?: Orientation;
  /** How the network's tensor axes take the oriented image's i, j, k (see `ArrayConvention`); default 'itk'. */
  arrayConvention?: ArrayConvention;
}

/**
 * Where voxel axes i, j, k of the training images pointed, as nibabel axis codes ("LPS": the
 * DICOM display, "RAS"/"LAS": NIfTI files as stored); the runtime reorients every image to it
 * before the network and maps the outputs back. 'native': images as the reader stores them.
 * Which tensor axis each of i, j, k becomes is the entry's `arrayConvention`: the orientation
 * is applied first, then that transpose, and outputs go back through both to the source voxels.
 */
export type Orientation = OrientationCode | 'native';

export interface ClipEntry {
  imageEncoder: {
    file: string;
    inputName: string;
    patchOutput: string;
    globalOutput?: string;
    /** [H, W] the encoder expects; slices are resampled to it. */
    shape: number[];
    /** Patch grid [rows, columns] of `patchOutput` (N = rows · columns, row-major). */
    grid: number[];
    channels: ChannelTransform[];
    /** The voxel orientation the encoder was trained on; default 'native'. */
    orientation?: Orientation;
    /**
     * How the encoder's [H, W] take the oriented slice's i, j (see `ArrayConvention`): 'itk'
     * (the default) H = j, W = i; 'nibabel' H = i, W = j. `shape` and `grid` stay [H, W] and
     * [rows, columns] of the encoder's tensors.
     */
    arrayConvention?: ArrayConvention;
  };
  textEncoder?: {
    file: string;
    inputName: string;
    outputName: string;
    /** JSON object word → token id. */
    vocabulary: string;
    contextLength: number;
    startToken?: string;
    endToken?: string;
    padToken?: string;
  };
  /** JSON file `{ "<class>": number[] }` of precomputed (e.g. CoOp) class embeddings. */
  promptEmbeddings?: string;
  /** Prompts per class, synonyms averaged; the keys are the classes the ROI competes over. */
  prompts: Record<string, string[]>;
  embeddingSize: number;
  /** CLIP's logit scale for the softmax over classes (100 for OpenAI CLIP). */
  logitScale: number;
  /**
   * How far (mm, along the slice axis) on either side of an explained slice the similarity maps
   * are looked at; the slice's ROI (region or box) spans the organ's 3-D components over that range. 0 (the
   * default): the explained slice alone.
   */
  contextMm?: number;
  /** Per-class overrides of logitScale and contextMm (the small organs may want other values). */
  roiByClass?: Record<string, ClipRoiSettings>;
}

/** The ROI recipe settings of one CLIP class. */
export interface ClipRoiSettings {
  logitScale?: number;
  contextMm?: number;
}

/** A model manifest: everything the runtime needs to run and explain a model. */
export interface ModelManifest {
  name: string;
  version: string;
  description?: string;
  /** DICOM modalities the model is meant for (CT, MR). */
  modalities: string[];
  segmenter: SegmenterEntry;
  clip?: ClipEntry;
}
