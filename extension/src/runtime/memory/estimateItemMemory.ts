/** Bytes one batch item needs while the segmenter runs, by part (see estimateItemMemory). */
export interface ItemMemory {
  /** The network input: channels × padded voxels, float32. */
  inputBytes: number;
  /** The network output: classes × padded voxels, float32. */
  outputBytes: number;
  /** The network's intermediate values, estimated (ACTIVATION_BYTES_PER_VOXEL). */
  activationBytes: number;
  totalBytes: number;
}

/**
 * Activation memory per network voxel and batch item: 256 float32 values. ONNX Runtime does not
 * report its intermediate tensors and an exported graph rarely carries their shapes, so this is a
 * documented multiplier, chosen to cover a 3-D U-Net with 32 base features (full-resolution skip,
 * upsampled and concatenated features, ≈ 200 values per voxel, plus the coarser levels); it gives
 * ≈ 3.5 GB per item for a [2, 96, 192, 192] input. Measured on the CPU provider (peak RSS growth per
 * extra item), the CHAOS SegFormer needs ≈ 265 bytes per pixel, so the estimate errs on the safe side.
 */
export const ACTIVATION_BYTES_PER_VOXEL = 1024;

// About two inputs' worth per item (the engine's batch of perturbed images and the runtime's network
// input) and up to three outputs (ORT's logits, the softmax's probabilities, the cropped or
// concatenated copy).
const INPUT_COPIES = 2;
const OUTPUT_COPIES = 3;

/** Memory per batch item of a network with `channels` inputs and `classes` outputs on `voxels` (padded) voxels. */
export function estimateItemMemory(shape: { channels: number; classes: number; voxels: number }): ItemMemory {
  const inputBytes = INPUT_COPIES * 4 * shape.channels * shape.voxels;
  const outputBytes = OUTPUT_COPIES * 4 * shape.classes * shape.voxels;
  const activationBytes = ACTIVATION_BYTES_PER_VOXEL * shape.voxels;
  return { inputBytes, outputBytes, activationBytes, totalBytes: inputBytes + outputBytes + activationBytes };
}
