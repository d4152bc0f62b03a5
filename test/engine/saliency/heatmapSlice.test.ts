import { HEATMAP_AIR, heatmapSlice } from '../../../extension/src/engine/saliency/heatmapSlice';

describe('heatmapSlice', () => {
  // Two slices of 2 × 2: slice 1 holds the saliency, its first voxel is air.
  const saliency = Float32Array.from([0, 0, 0, 0, 4, 2, -1, 0]);
  const body = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1]);

  it('is the saliency as a fraction of the maximum in the body (negative as 0), and air elsewhere', () => {
    const out = new Float32Array(4);
    expect(heatmapSlice(saliency, body, 4, 1, out)).toBe(true);
    expect(Array.from(out)).toEqual([HEATMAP_AIR, 0.5, 0, 0]);
  });

  it('says a slice without salient body voxels is empty', () => {
    const out = new Float32Array(4);
    expect(heatmapSlice(saliency, body, 4, 0, out)).toBe(false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    // Saliency in air only: nothing to show.
    const airOnly = Float32Array.from([0, 0, 0, 0, 4, 0, 0, 0]);
    expect(heatmapSlice(airOnly, body, 4, 1, out)).toBe(false);
  });

  it('is 0 in the body when nothing is salient (max 0)', () => {
    const out = new Float32Array(4);
    expect(heatmapSlice(new Float32Array(8), body, 0, 1, out)).toBe(false);
    expect(Array.from(out)).toEqual([HEATMAP_AIR, 0, 0, 0]);
  });
});
