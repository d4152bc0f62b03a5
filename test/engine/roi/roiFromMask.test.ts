import { roiFromMask } from '../../../extension/src/engine/roi/roiFromMask';
import {
  MASK_COMPONENT_FRACTION,
  roiFromSimilarity,
} from '../../../extension/src/engine/roi/roiFromSimilarity';
import { Box } from '../../../extension/src/engine/volume/Box';

/** A 20×20×6 mask: a 4×4 square at (2, 2) on slice 2, a 10×6 block at (5, 8) on slices 3–4. */
function poleMask(): Uint8Array {
  const mask = new Uint8Array(20 * 20 * 6);
  const fill = (k: number, i0: number, j0: number, w: number, h: number) => {
    for (let j = j0; j < j0 + h; j++) for (let i = i0; i < i0 + w; i++) mask[k * 400 + j * 20 + i] = 1;
  };
  fill(2, 2, 2, 4, 4);
  fill(3, 5, 8, 10, 6);
  fill(4, 5, 8, 10, 6);
  return mask;
}

const box = (min: number[], max: number[]): Box => ({ min: min as Box['min'], max: max as Box['max'] });

describe('roiFromMask', () => {
  it('gives each slice the box of the mask on that slice alone by default', () => {
    const roi = roiFromMask(poleMask(), [20, 20, 6], [0, 0, 0]);
    expect(roi.box).toEqual(box([2, 2, 2], [15, 14, 5]));
    expect(roi.sliceBoxes).toEqual([
      null,
      null,
      box([2, 2, 2], [6, 6, 3]),
      box([5, 8, 3], [15, 14, 4]),
      box([5, 8, 4], [15, 14, 5]),
      null,
    ]);
  });

  it('with contextSlices, spans the mask on the neighbouring slices too (a pole slice gets its neighbours)', () => {
    const roi = roiFromMask(poleMask(), [20, 20, 6], [1, 1, 0], { contextSlices: 1 });
    // Slices 1 and 5 hold no mask but lie next to it; slice 2 (the small square) gets slice 3's block.
    expect(roi.sliceBoxes).toEqual([
      null,
      box([1, 1, 1], [7, 7, 2]),
      box([1, 1, 2], [16, 15, 3]),
      box([1, 1, 3], [16, 15, 4]),
      box([4, 7, 4], [16, 15, 5]),
      box([4, 7, 5], [16, 15, 6]),
    ]);
    // The 3-D box reaches every slice that has a box.
    expect(roi.box).toEqual(box([1, 1, 1], [16, 15, 6]));
  });

  it('falls back to the whole volume, with the reason, when the mask is empty', () => {
    const roi = roiFromMask(new Uint8Array(20 * 20 * 6), [20, 20, 6], [0, 0, 0], {
      source: 'clip',
      emptyReason: 'nothing passed',
      contextSlices: 2,
    });
    expect(roi).toEqual({
      source: 'clip',
      box: box([0, 0, 0], [20, 20, 6]),
      fallbackReason: 'nothing passed; using the whole image',
    });
  });
});

describe('roiFromSimilarity shapes', () => {
  /** A 40×20 map: a 10×10 blob (100 voxels) and a 5×5 one (25 voxels) on a 0 background. */
  const twoBlobs = () => {
    const map = new Float32Array(40 * 20);
    for (let j = 5; j < 15; j++) for (let i = 2; i < 12; i++) map[j * 40 + i] = 1;
    for (let j = 8; j < 13; j++) for (let i = 30; i < 35; i++) map[j * 40 + i] = 0.9;
    return map;
  };

  it('box: the bounding box of the largest component only', () => {
    const roi = roiFromSimilarity(twoBlobs(), [40, 20, 1], [0, 0, 0]);
    expect(roi.box).toEqual(box([2, 5, 0], [12, 15, 1]));
    expect(roi.mask).toBeUndefined();
  });

  it(`mask: every component of ≥ ${MASK_COMPONENT_FRACTION} × the largest, grown by the extra dilation`, () => {
    const roi = roiFromSimilarity(twoBlobs(), [40, 20, 1], [0, 0, 0], {
      shape: 'mask',
      extraDilation: [1, 1],
    });
    const voxels = roi.mask!.reduce((sum, m) => sum + m, 0);
    // Each square grows by one voxel on each side (a radius-1 disc adds no corners): 100 + 40, 25 + 20.
    expect(voxels).toBe(140 + 45);
    expect(roi.box).toEqual(box([1, 4, 0], [36, 16, 1]));
    expect(roi.mask![10 * 40 + 20]).toBe(0); // the gap between them stays out
  });
});
