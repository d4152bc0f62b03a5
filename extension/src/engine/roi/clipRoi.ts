import { SimilarityModel } from '../model/SegmentationModel';
import { BinarizeRule } from '../util/binarize';
import { Vec3, Volume } from '../volume/Volume';
import { voxelCount, sliceOf } from '../volume/volumeUtils';
import { Roi } from './Roi';
import { roiFromSimilarity } from './roiFromSimilarity';
import { targetProbabilityMap } from './targetProbabilityMap';

/**
 * The CLIP ROI of one target prompt on a volume: per-slice similarity maps (one image-encoder
 * pass per slice in `slices`) → probability of the target against the other prompt classes →
 * stacked on the volume grid (0 on slices not looked at) → `roiFromSimilarity`.
 */
export async function clipRoi(
  volume: Volume,
  clip: SimilarityModel,
  prompts: { target: string; others: string[] },
  options: { slices: number[]; margin: Vec3; logitScale: number; threshold?: BinarizeRule },
): Promise<Roi> {
  const plane = volume.dimensions[0] * volume.dimensions[1];
  const stacked = new Float32Array(voxelCount(volume.dimensions));
  for (const k of options.slices) {
    const { maps } = await clip.similarity(sliceOf(volume, k), prompts);
    stacked.set(targetProbabilityMap(maps, 0, options.logitScale), k * plane);
  }
  return roiFromSimilarity(stacked, volume.dimensions, options.margin, options.threshold);
}
