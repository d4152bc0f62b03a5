import { ImageReport } from '../../extension/src/engine/explain/explainVolume';
import { Box, boxVoxelCount } from '../../extension/src/engine/volume/Box';
import { roiShare } from '../../extension/src/runtime/roiShare';

const image = (slice: number | null, min: number[], max: number[]): ImageReport => ({
  slice,
  roi: { min, max } as Box,
  roiVoxels: boxVoxelCount({ min, max } as Box),
  baselineScore: 1,
  organVoxels: 10,
  targetVoxels: 10,
  passes: 5,
  skippedPasses: 0,
});

describe('roiShare', () => {
  it("is the explained slices' own ROI boxes over those slices", () => {
    // Two 100×100 slices of a 9-slice series; boxes of 50×20 and 25×40 voxels.
    const share = roiShare(
      [image(3, [0, 0, 0], [50, 20, 1]), image(4, [10, 10, 0], [35, 50, 1])],
      [3, 4],
      [100, 100, 9],
    );
    expect(share).toEqual({ voxels: 2000, fraction: 0.1 });
  });

  it("counts a mask-shaped ROI's voxels, not its box's", () => {
    const masked = { ...image(2, [0, 0, 0], [50, 20, 1]), roiVoxels: 600 };
    expect(roiShare([masked], [2], [100, 100, 9])).toEqual({ voxels: 600, fraction: 0.06 });
  });

  it('ignores the context slices that a CLIP ROI box spans (one explained slice)', () => {
    // The CLIP ROI's 3-D box may span slices 0–8; the explained slice's own box is what counts.
    expect(roiShare([image(4, [20, 20, 0], [70, 60, 1])], [4], [100, 100, 9]).fraction).toBeCloseTo(0.2, 10);
  });

  it("measures a 3-D model's ROI against its explained slices, not the volume", () => {
    // Explained on slice 5: the box narrowed to it holds 50×40 of its 100×100 voxels.
    expect(roiShare([image(null, [0, 0, 5], [50, 40, 6])], [5], [100, 100, 9]).fraction).toBeCloseTo(0.2, 10);
    // The whole volume: a 100×100×3 box is a third of it.
    const all = Array.from({ length: 9 }, (_, k) => k);
    expect(roiShare([image(null, [0, 0, 0], [100, 100, 3])], all, [100, 100, 9]).fraction).toBeCloseTo(
      1 / 3,
      10,
    );
  });
});
