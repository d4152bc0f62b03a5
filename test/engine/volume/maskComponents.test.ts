import { componentContaining } from '../../../extension/src/engine/volume/componentContaining';
import { maskComponents } from '../../../extension/src/engine/volume/maskComponents';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';

/** A 10 × 8 × 4 grid (0.5 × 0.5 × 2 mm voxels, 0.5 µL each) with voxels set by `inside`. */
const dimensions: Vec3 = [10, 8, 4];
const volume = { dimensions, spacing: [0.5, 0.5, 2] as Vec3 };
const maskOf = (inside: (i: number, j: number, k: number) => boolean) =>
  Uint8Array.from({ length: 10 * 8 * 4 }, (_, v) =>
    inside(v % 10, Math.floor(v / 10) % 8, Math.floor(v / 80)) ? 1 : 0,
  );

// Small: a 2 × 2 square on slice 0. Large: a 3 × 3 × 2 block on slices 1–2. Bridge: voxel (9, 7)
// on slices 0 and 3, joined only through slices 1–2 where nothing is (two components).
const small = (i: number, j: number, k: number) => i < 2 && j < 2 && k === 0;
const large = (i: number, j: number, k: number) => i >= 5 && i < 8 && j >= 3 && j < 6 && k >= 1 && k < 3;
const corner = (i: number, j: number, k: number) => i === 9 && j === 7 && (k === 0 || k === 3);
const mask = maskOf((i, j, k) => small(i, j, k) || large(i, j, k) || corner(i, j, k));

describe('maskComponents', () => {
  it('lists the 6-connected components largest first, with size, mL, box and centroid', () => {
    const components = maskComponents(mask, volume);
    expect(components.map((c) => [c.index, c.voxels])).toEqual([
      [1, 18],
      [2, 4],
      [3, 1],
      [4, 1],
    ]);
    const [block, square] = components;
    expect(block.ml).toBeCloseTo(18 * 0.0005, 9);
    expect(block.box).toEqual({ min: [5, 3, 1], max: [8, 6, 3] });
    expect(block.centroid).toEqual([6, 4, 1.5]);
    expect(square.box).toEqual({ min: [0, 0, 0], max: [2, 2, 1] });
    expect(square.centroid).toEqual([0.5, 0.5, 0]);
    expect(Array.from(square.voxelIndices).sort((a, b) => a - b)).toEqual([0, 1, 10, 11]);
    // Equal sizes keep storage order: the corner voxel on slice 0 before the one on slice 3.
    expect(components[2].box.min).toEqual([9, 7, 0]);
    expect(components[3].box.min).toEqual([9, 7, 3]);
  });

  it('joins voxels across slices (6-connectivity), not diagonally', () => {
    const diagonal = maskOf((i, j, k) => (i === 0 && j === 0 && k === 0) || (i === 1 && j === 1 && k === 0));
    expect(maskComponents(diagonal, volume).map((c) => c.voxels)).toEqual([1, 1]);
    const column = maskOf((i, j) => i === 3 && j === 3);
    expect(maskComponents(column, volume).map((c) => c.voxels)).toEqual([4]);
  });

  it('counts only the given slices: a component split by leaving its slices out is two', () => {
    const arch = maskOf(
      (i, j, k) => (j === 0 && (i === 0 || i === 4) && k <= 1) || (j === 0 && i <= 4 && k === 1),
    );
    expect(maskComponents(arch, volume).map((c) => c.voxels)).toEqual([7]);
    const onSlice0 = maskComponents(arch, volume, [0, 1]);
    expect(onSlice0.map((c) => [c.voxels, c.box.min[2], c.box.max[2]])).toEqual([
      [1, 0, 1],
      [1, 0, 1],
    ]);
    // Indices stay on the volume grid.
    expect(Array.from(maskComponents(mask, volume, [3, 4])[0].voxelIndices)).toEqual([9 + 10 * 7 + 80 * 3]);
  });

  it('is empty for an empty mask and refuses a mask or slice range off the grid', () => {
    expect(maskComponents(new Uint8Array(320), volume)).toEqual([]);
    expect(() => maskComponents(new Uint8Array(10), volume)).toThrow(
      'The mask has 10 values but the volume 10×8×4 needs 320.',
    );
    expect(() => maskComponents(mask, volume, [2, 6])).toThrow(
      'Slices [2, 6) are not a slice range of the 4-slice volume.',
    );
  });
});

describe('componentContaining', () => {
  const components = maskComponents(mask, volume);
  it('finds the component holding a voxel', () => {
    expect(componentContaining(components, [6, 4, 2], dimensions)?.index).toBe(1);
    expect(componentContaining(components, [1, 0, 0], dimensions)?.index).toBe(2);
    expect(componentContaining(components, [9, 7, 3], dimensions)?.index).toBe(4);
  });
  it('is null off the mask, also inside a component box', () => {
    expect(componentContaining(components, [3, 3, 0], dimensions)).toBeNull();
    const holed = maskComponents(
      maskOf((i, j, k) => k === 0 && i < 3 && j < 3 && !(i === 1 && j === 1)),
      volume,
    );
    expect(componentContaining(holed, [1, 1, 0], dimensions)).toBeNull();
  });
});
