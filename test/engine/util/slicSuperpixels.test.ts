import { largestConnectedComponent } from '../../../extension/src/engine/util/largestConnectedComponent';
import { createRandom } from '../../../extension/src/engine/util/random';
import { slicSuperpixels } from '../../../extension/src/engine/util/slicSuperpixels';
import { Box, boxVoxelCount, forEachVoxelInBox, fullBox } from '../../../extension/src/engine/volume/Box';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';
import { createVolume } from '../../../extension/src/engine/volume/volumeUtils';

/** An image whose voxel (i, j, k) is value(i, j, k). */
function imageOf(dimensions: Vec3, value: (i: number, j: number, k: number) => number, spacing?: Vec3) {
  const data = new Float32Array(dimensions[0] * dimensions[1] * dimensions[2]);
  let index = 0;
  for (let k = 0; k < dimensions[2]; k++) {
    for (let j = 0; j < dimensions[1]; j++) {
      for (let i = 0; i < dimensions[0]; i++) data[index++] = value(i, j, k);
    }
  }
  return createVolume(data, dimensions, { spacing });
}

/** Checks that labels are −1 outside the box, dense inside and every superpixel is 6-connected. */
function expectWellFormed(labels: Int32Array, count: number, dimensions: Vec3, box: Box): void {
  const inBox = new Uint8Array(labels.length);
  forEachVoxelInBox(box, dimensions, (index) => (inBox[index] = 1));
  const sizes = new Array<number>(count).fill(0);
  let misplaced = 0;
  labels.forEach((label, index) => {
    if (inBox[index] ? label < 0 || label >= count : label !== -1) misplaced++;
    else if (label >= 0) sizes[label]++;
  });
  expect(misplaced).toBe(0);
  expect(sizes.filter((size) => size === 0)).toEqual([]);
  const split = sizes.filter((size, label) => {
    const kept = largestConnectedComponent(
      Uint8Array.from(labels, (v) => (v === label ? 1 : 0)),
      dimensions,
    );
    return kept.reduce((sum, v) => sum + v, 0) !== size;
  });
  expect(split).toEqual([]);
}

/** Labels whose voxels fall into more than one region, where region(index) numbers the regions. */
function straddling(labels: Int32Array, region: (index: number) => number): number[] {
  const regionOf = new Map<number, number>();
  const found = new Set<number>();
  labels.forEach((label, index) => {
    if (label < 0) return;
    if (!regionOf.has(label)) regionOf.set(label, region(index));
    else if (regionOf.get(label) !== region(index)) found.add(label);
  });
  return [...found];
}

/** The quadrant (0…3) of a voxel of a 64 × 64 image. */
const quadrant = (i: number, j: number) => (i < 32 ? 0 : 1) + (j < 32 ? 0 : 2);

describe('slicSuperpixels', () => {
  const random = createRandom(11);
  const quadrants = imageOf([64, 64, 1], (i, j) => [0, 120, 40, 80][quadrant(i, j)] + random());

  // 20 and 13 mm give seed grids (3 and 5 cells) whose cells straddle the quadrant edges at 32.
  it.each([32, 20, 13])('never straddles the edges of four flat quadrants (region %i mm)', (regionSizeMm) => {
    const box = fullBox([64, 64, 1]);
    const { labels, count } = slicSuperpixels(quadrants, { box, regionSizeMm });
    expectWellFormed(labels, count, [64, 64, 1], box);
    expect(straddling(labels, (index) => quadrant(index % 64, Math.floor(index / 64)))).toEqual([]);
    if (regionSizeMm === 32) expect(count).toBe(4);
  });

  it('labels only the box, with about box area / S² superpixels, from spacing in mm', () => {
    // 0.5 mm pixels: 8 mm regions are 16 pixels; the 112 × 80 box should hold about 35.
    const random = createRandom(3);
    const volume = imageOf(
      [128, 96, 1],
      (i, j) => 500 * Math.sin(i / 9) * Math.cos(j / 7) + 30 * random(),
      [0.5, 0.5, 3],
    );
    const box: Box = { min: [10, 6, 0], max: [122, 86, 1] };
    const { labels, count } = slicSuperpixels(volume, { box, regionSizeMm: 8 });
    expectWellFormed(labels, count, [128, 96, 1], box);
    const expected = boxVoxelCount(box) / 16 ** 2;
    expect(count).toBeGreaterThanOrEqual(0.5 * expected);
    expect(count).toBeLessThanOrEqual(1.5 * expected);
  });

  it('segments a 3-D box with anisotropic spacing, respecting an edge across slices', () => {
    // 1 × 1 × 2 mm voxels; the intensity steps between slices 5 and 6 of the box.
    const dimensions: Vec3 = [30, 30, 14];
    const volume = imageOf(
      dimensions,
      (i, j, k) => (k < 7 ? 0 : 100) + 10 * Math.sin(i / 4 + j / 5),
      [1, 1, 2],
    );
    const box: Box = { min: [2, 3, 1], max: [28, 27, 13] };
    const { labels, count } = slicSuperpixels(volume, { box, regionSizeMm: 6 });
    expectWellFormed(labels, count, dimensions, box);
    // Box 26 × 24 × 12 voxels = 26 × 24 × 24 mm → about (26/6)·(24/6)·(24/6) ≈ 69 superpixels.
    expect(count).toBeGreaterThanOrEqual(35);
    expect(count).toBeLessThanOrEqual(104);
    expect(straddling(labels, (index) => (Math.floor(index / (30 * 30)) < 7 ? 0 : 1))).toEqual([]);
  });

  it('is deterministic and ignores intensities outside the box', () => {
    const box: Box = { min: [8, 8, 0], max: [56, 56, 1] };
    const first = slicSuperpixels(quadrants, { box, regionSizeMm: 12, compactness: 5, iterations: 4 });
    const changed = createVolume(Float32Array.from(quadrants.data), [64, 64, 1]);
    changed.data[0] = 1e6;
    const second = slicSuperpixels(changed, { box, regionSizeMm: 12, compactness: 5, iterations: 4 });
    expect(second.labels).toEqual(first.labels);
    expect(second.count).toBe(first.count);
  });

  it('handles a constant image, an empty box and bad options', () => {
    const flat = imageOf([20, 20, 1], () => 5);
    const { labels, count } = slicSuperpixels(flat, { box: fullBox([20, 20, 1]), regionSizeMm: 10 });
    expect(count).toBe(4);
    expectWellFormed(labels, count, [20, 20, 1], fullBox([20, 20, 1]));
    const empty = slicSuperpixels(flat, { box: { min: [3, 3, 0], max: [3, 9, 1] }, regionSizeMm: 5 });
    expect(empty.count).toBe(0);
    expect(empty.labels.every((v) => v === -1)).toBe(true);
    expect(() =>
      slicSuperpixels(flat, { box: { min: [0, 0, 0], max: [21, 20, 1] }, regionSizeMm: 5 }),
    ).toThrow(RangeError);
    expect(() => slicSuperpixels(flat, { box: fullBox([20, 20, 1]), regionSizeMm: 0 })).toThrow(RangeError);
  });

  it('segments a 256 × 256 box into superpixels of the requested size', () => {
    const random = createRandom(8);
    const volume = imageOf(
      [256, 256, 1],
      (i, j) => 1000 * Math.sin(i / 17) * Math.cos(j / 23) + 50 * random(),
    );
    const box = fullBox([256, 256, 1]);
    const { count } = slicSuperpixels(volume, { box, regionSizeMm: 16 });
    expect(count).toBeGreaterThan(128);
  });
});
