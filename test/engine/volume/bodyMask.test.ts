import { bodyMask, percentile } from '../../../extension/src/engine/volume/bodyMask';

/** A slice drawn as text: '.' air, '#' tissue, 'o' dark tissue inside the body (lung, vessel). */
function slice(rows: string[], air: number, tissue: number) {
  const values = rows.flatMap((row) => [...row].map((c) => (c === '#' ? tissue : air)));
  return { values, dimensions: [rows[0].length, rows.length, 1] as [number, number, number] };
}
const drawn = (mask: Uint8Array, width: number) =>
  Array.from({ length: mask.length / width }, (_, j) =>
    Array.from(mask.subarray(j * width, (j + 1) * width), (v) => (v ? '#' : '.')).join(''),
  );

describe('bodyMask', () => {
  const rows = ['.......', '..###..', '.#ooo#.', '.#ooo#.', '..###..', '.......'];

  it('CT: the air around the body (below −500 HU, reaching the edge) is out; enclosed lung is in', () => {
    const { values, dimensions } = slice(rows, -1000, 40);
    expect(drawn(bodyMask(Int16Array.from(values), 'CT', dimensions), 7)).toEqual([
      '.......',
      '..###..',
      '.#####.',
      '.#####.',
      '..###..',
      '.......',
    ]);
  });

  it('CT: −500 HU is tissue, −501 air', () => {
    const hu = Int16Array.from([-501, -500, 0, -1024]);
    expect(Array.from(bodyMask(hu, 'CT', [4, 1, 1]))).toEqual([0, 1, 1, 0]);
  });

  it('MR: air is below 8 % of the 99th percentile, however much of the field of view it fills', () => {
    // 70 % air (noise 0–30) on the left, 30 % tissue (200–1000) on the right, one hot voxel.
    const air = Array.from({ length: 700 }, (_, n) => n % 31);
    const tissue = Array.from({ length: 299 }, (_, n) => 200 + ((n * 8) % 800));
    const image = Float32Array.from([...air, ...tissue, 50000]);
    const mask = bodyMask(image, 'MR', [1000, 1, 1]);
    expect(mask.subarray(0, 700).every((v) => v === 0)).toBe(true);
    expect(mask.subarray(700).every((v) => v === 1)).toBe(true);
  });

  it('works slice by slice: air enclosed on one slice is body there, air on the next', () => {
    const { values } = slice(['###', '#.#', '###', '...', '...', '...'], 0, 500);
    expect(Array.from(bodyMask(Float32Array.from(values), 'MR', [3, 3, 2]))).toEqual([
      ...[1, 1, 1, 1, 1, 1, 1, 1, 1],
      ...[0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('an image of one value is all body (nothing to tell air from)', () => {
    expect(Array.from(bodyMask(new Float32Array(4).fill(7), 'MR', [2, 2, 1]))).toEqual([1, 1, 1, 1]);
  });
});

describe('percentile', () => {
  it('is within a 1/4096 of the range of the exact quantile', () => {
    const values = Float32Array.from({ length: 10001 }, (_, n) => n);
    expect(percentile(values, 0.5)).toBeCloseTo(5000, -1);
    expect(Math.abs(percentile(values, 0.99) - 9900)).toBeLessThanOrEqual(10000 / 4096 + 1);
    expect(percentile(values, 1)).toBe(10000);
  });
});
