import { ProgressTracker } from '../../../extension/src/engine/evaluate/ProgressTracker';
import { outsideRoiScore } from '../../../extension/src/engine/explain/outsideRoiScore';
import { Predictor } from '../../../extension/src/engine/model/SegmentationModel';
import { Box } from '../../../extension/src/engine/volume/Box';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';

describe('outsideRoiScore', () => {
  // A 2×2×3 volume of ones; the "model" outputs its input, the target sums it: the score counts
  // the voxels the ROI test kept.
  const image = createVolume(new Float32Array(12).fill(1), [2, 2, 3]);
  const predictor: Predictor = {
    classNames: ['organ'],
    outputSize: 12,
    predict: async (images) => images.slice(),
    toImageGrid: (probabilities) => probabilities,
  };
  const sum = (values: Float32Array, offset: number) =>
    values.subarray(offset, offset + 12).reduce((s, x) => s + x, 0);
  const roi: Box = { min: [0, 0, 1], max: [1, 2, 2] }; // half of slice 1
  const score = (region?: Box) =>
    outsideRoiScore(
      predictor,
      image,
      roi,
      undefined,
      new Float32Array(12),
      sum,
      new ProgressTracker(1),
      region,
    );

  it('replaces everything outside the ROI without a region', async () => {
    await expect(score()).resolves.toBe(2);
  });

  it("replaces only the explained slices' outside with a region, keeping the other slices", async () => {
    // Slice 1 explained: its two ROI voxels and slices 0 and 2 stay.
    await expect(score({ min: [0, 0, 1], max: [2, 2, 2] })).resolves.toBe(10);
  });
});
