/** Bytes one batch item needs while the segmenter runs, by part (see estimateItemMemory). */
export interface ItemMemory {
  /** The network input: channels × padded voxels, float32. */
  inputBytes: number;
  /** The network output: classes × padded voxels, float32. */
  outputBytes: number;
  /** The network's intermediate values: `activationBytesPerVoxel` × `voxels`. */
  activationBytes: number;
  totalBytes: number;
  /** Network voxels of one item (padded grid). */
  voxels: number;
  activationBytesPerVoxel: number;
  /** Where `activationBytesPerVoxel` comes from: the manifest (measured for the model) or ACTIVATION_BYTES_PER_VOXEL. */
  activationSource: 'manifest' | 'default';
}

/**
 * Activation memory per network voxel and batch item: 256 float32 values. ONNX Runtime does not
 * report its intermediate tensors and an exported graph rarely carries their shapes, so this is a
 * documented multiplier, chosen to cover a 3-D U-Net with 32 base features (full-resolution skip,
 * upsampled and concatenated features, ≈ 200 values per voxel, plus the coarser levels); it gives
 * ≈ 3.5 GB per item for a [2, 96, 192, 192] input. Measured on the CPU provider (peak RSS rise
 * per extra item from batch 1 to 8), the CHAOS SegFormers need ≈ 415 bytes per pixel, so the
 * estimate errs on the safe side. A manifest can give its model's own figure
 * (`segmenter.activationBytesPerVoxel`, measured by `xai-clip models validate --measure-memory`).
 */
export const ACTIVATION_BYTES_PER_VOXEL = 1024;

// About two inputs' worth per item (the engine's batch of perturbed images and the runtime's network
// input) and up to three outputs (ORT's logits, the softmax's probabilities, the cropped or
// concatenated copy).
const INPUT_COPIES = 2;
const OUTPUT_COPIES = 3;

/**
 * Memory per batch item of a network with `channels` inputs and `classes` outputs on `voxels`
 * (padded) voxels; activations at `activationBytesPerVoxel` when the manifest gives it, else the default.
 */
export function estimateItemMemory(shape: {
  channels: number;
  classes: number;
  voxels: number;
  activationBytesPerVoxel?: number;
}): ItemMemory {
  const { voxels } = shape;
  const activationBytesPerVoxel = shape.activationBytesPerVoxel ?? ACTIVATION_BYTES_PER_VOXEL;
  const inputBytes = INPUT_COPIES * 4 * shape.channels * voxels;
  const outputBytes = OUTPUT_COPIES * 4 * shape.classes * voxels;
  const activationBytes = activationBytesPerVoxel * voxels;
  return {
    inputBytes,
    outputBytes,
    activationBytes,
    totalBytes: inputBytes + outputBytes + activationBytes,
    voxels,
    activationBytesPerVoxel,
    activationSource: shape.activationBytesPerVoxel === undefined ? 'default' : 'manifest',
  };
}
