import { ProgressTracker } from '../evaluate/ProgressTracker';
import { runBatches } from '../evaluate/runBatches';
import { Predictor } from '../model/SegmentationModel';
import { Target } from '../targets/Target';
import { Box, forEachVoxelInBox } from '../volume/Box';
import { Volume } from '../volume/Volume';

/**
 * The target with everything outside the ROI box replaced by the substrate: what the model still
 * gives the organ from the ROI alone. An ROI-guided map is 0 outside the box by construction;
 * a score well below the unperturbed one says the model also relies on context the ROI left out,
 * which that map cannot show (a full-image explanation would).
 *
 * Cost: 1 forward pass.
 */
export async function outsideRoiScore(
  predictor: Predictor,
  image: Volume<Float32Array>,
  box: Box,
  substrate: Float32Array,
  target: Target,
  tracker: ProgressTracker,
): Promise<number> {
  let score = NaN;
  const keepRoi = (_: number, out: Float32Array) => {
    out.set(substrate);
    forEachVoxelInBox(box, image.dimensions, (v) => (out[v] = image.data[v]));
  };
  await runBatches(predictor, image.data.length, 1, keepRoi, target, (_, s) => (score = s), 1, tracker);
  return score;
}
