import { SimilarityModel } from '../model/SegmentationModel';
import { BinarizeRule } from '../util/binarize';
import { Box } from '../volume/Box';
import { Vec3, Volume } from '../volume/Volume';
import { voxelCount, sliceOf } from '../volume/volumeUtils';
import { Roi, RoiShape } from './Roi';
import { roiFromSimilarity } from './roiFromSimilarity';
import { targetProbabilityMap } from './targetProbabilityMap';

/**
 * In-plane growth of a mask-shaped CLIP ROI before the margin. Chosen on training slices among
 * 0, 3, 6 and 10 mm (models/chaos-clip/MODEL_CARD.md, *Localisation*).
 */
export const DEFAULT_MASK_DILATION_MM = 3;

/**
 * The CLIP ROI of one target prompt on a volume: per-slice similarity maps (one image-encoder
 * pass per slice looked at) → probability of the target against the other prompt classes →
 * stacked → `roiFromSimilarity`, then placed on the volume grid.
 *
 * The slices looked at are `slices` and, with `contextSlices` = c, the c slices on either side
 * of each: the organ's 3-D component then reaches a pole slice from its neighbours, and that
 * slice's box spans the component on slices k ± c. Only the slab from the first to the last
 * slice looked at enters the threshold: the empty slices around a single explained slice
 * would otherwise pull Otsu's threshold down (and cost a 3-D connected-component pass over the
 * whole series).
 *
 * A mask-shaped ROI (`shape: 'mask'`) is grown in-plane by `maskDilationMm` before the margin:
 * the threshold cuts the organ's rim, which a box's corners used to hold.
 */
export async function clipRoi(
  volume: Volume,
  clip: SimilarityModel,
  prompts: { target: string; others: string[] },
  options: {
    slices: number[];
    margin: Vec3;
    logitScale: number;
    contextSlices?: number;
    threshold?: BinarizeRule;
    shape?: RoiShape;
    maskDilationMm?: number;
  },
): Promise<Roi> {
  const [nx, ny, nz] = volume.dimensions;
  const plane = nx * ny;
  const context = options.contextSlices ?? 0;
  const lookedAt = new Set<number>();
  for (const k of options.slices) {
    for (let n = Math.max(0, k - context); n <= Math.min(nz - 1, k + context); n++) lookedAt.add(n);
  }
  const first = Math.min(...lookedAt);
  const last = Math.max(...lookedAt);
  const slab: Vec3 = [nx, ny, last - first + 1];
  const stacked = new Float32Array(voxelCount(slab));
  for (const k of lookedAt) {
    const { maps } = await clip.similarity(sliceOf(volume, k), prompts);
    stacked.set(targetProbabilityMap(maps, 0, options.logitScale), (k - first) * plane);
  }
  const dilationMm = options.maskDilationMm ?? DEFAULT_MASK_DILATION_MM;
  const roi = roiFromSimilarity(stacked, slab, options.margin, {
    threshold: options.threshold,
    contextSlices: context,
    shape: options.shape,
    extraDilation: [dilationMm / volume.spacing[0], dilationMm / volume.spacing[1]],
  });
  const map = new Float32Array(plane * nz);
  map.set(roi.map!, first * plane);
  const mask = roi.mask && new Uint8Array(plane * nz);
  mask?.set(roi.mask!, first * plane);
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
    mask,
  };
}
