import { ProgressTracker } from '../evaluate/ProgressTracker';
import { runBatches } from '../evaluate/runBatches';
import { Predictor } from '../model/SegmentationModel';
import { Target } from '../targets/Target';
import { forEachRoiVoxel } from '../roi/roiVoxels';
import { Box } from '../volume/Box';
import { Volume } from '../volume/Volume';

/**
 * The target with everything outside the ROI (its box, or a mask-shaped ROI's region `mask`)
 * replaced by the substrate: what the model still gives the organ from the ROI alone. With
 * `region` (a 3-D model's explained slices) only the outside of the ROI on those slices is
 * replaced; the other slices stay, as a map of these slices could not rank them anyway. An
 * ROI-guided map is 0 outside the ROI by construction;
 * a score well below the unperturbed one says the model also relies on context the ROI left out,
 * which that map cannot show (a full-image explanation would).
 *
 * Cost: 1 forward pass.
 */
export async function outsideRoiScore(
  predictor: Predictor,
  image: Volume<Float32Array>,
  box: Box,
  mask: Uint8Array | undefined,
  substrate: Float32Array,
  target: Target,
  tracker: ProgressTracker,
  region?: Box,
): Promise<number> {
  let score = NaN;
  const plane = image.dimensions[0] * image.dimensions[1];
  const [first, end] = region ? [region.min[2] * plane, region.max[2] * plane] : [0, image.data.length];
  const keepRoi = (_: number, out: Float32Array) => {
    out.set(image.data);
    out.set(substrate.subarray(first, end), first);
    forEachRoiVoxel(box, mask, image.dimensions, (v) => (out[v] = image.data[v]));
  };
  await runBatches(predictor, image.data.length, 1, keepRoi, target, (_, s) => (score = s), 1, tracker);
  return score;
}
