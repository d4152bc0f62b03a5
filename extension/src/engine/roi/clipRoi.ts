import { SimilarityModel } from '../model/SegmentationModel';
import { BinarizeRule } from '../util/binarize';
import { Box } from '../volume/Box';
import { Vec3, Volume } from '../volume/Volume';
import { voxelCount, sliceOf } from '../volume/volumeUtils';
import { Roi } from './Roi';
import { roiFromSimilarity } from './roiFromSimilarity';
import { targetProbabilityMap } from './targetProbabilityMap';

/**
 * The CLIP ROI of one target prompt on a volume: per-slice similarity maps (one image-encoder
 * pass per slice in `slices`) → probability of the target against the other prompt classes →
 * stacked over the slices looked at → `roiFromSimilarity`, then placed on the volume grid.
 * Only the slab from the first to the last slice looked at enters the threshold: the empty
 * slices around a single explained slice would otherwise pull Otsu's threshold down (and cost
 * a 3-D connected-component pass over the whole series).
 */
export async function clipRoi(
  volume: Volume,
  clip: SimilarityModel,
  prompts: { target: string; others: string[] },
  options: { slices: number[]; margin: Vec3; logitScale: number; threshold?: BinarizeRule },
): Promise<Roi> {
  const [nx, ny, nz] = volume.dimensions;
  const plane = nx * ny;
  const first = Math.min(...options.slices);
  const last = Math.max(...options.slices);
  const slab: Vec3 = [nx, ny, last - first + 1];
  const stacked = new Float32Array(voxelCount(slab));
  for (const k of options.slices) {
    const { maps } = await clip.similarity(sliceOf(volume, k), prompts);
    stacked.set(targetProbabilityMap(maps, 0, options.logitScale), (k - first) * plane);
  }
  const roi = roiFromSimilarity(stacked, slab, options.margin, options.threshold);
  const map = new Float32Array(plane * nz);
  map.set(roi.map!, first * plane);
  const shift = (box: Box): Box => ({
    min: [box.min[0], box.min[1], box.min[2] + first],
    max: [box.max[0], box.max[1], box.max[2] + first],
  });
  return {
    ...roi,
    box: shift(roi.box),
    sliceBoxes: roi.sliceBoxes && [
      ...new Array<null>(first).fill(null),
      ...roi.sliceBoxes.map((box) => box && shift(box)),
      ...new Array<null>(nz - 1 - last).fill(null),
    ],
    map,
  };
}
