import { largestConnectedComponent } from '../../../extension/src/engine/util/largestConnectedComponent';
import { Vec3 } from '../../../extension/src/engine/volume/Volume';

/** A 2-D mask from rows of '#' (1) and '.' (0). */
function picture(rows: string[]): { mask: Uint8Array; dimensions: Vec3 } {
  const mask = Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0));
  return { mask, dimensions: [rows[0].length, rows.length, 1] };
}

function toRows(mask: Uint8Array, width: number): string[] {
  const text = Array.from(mask, (v) => (v ? '#' : '.')).join('');
  return Array.from({ length: text.length / width }, (_, r) => text.slice(r * width, (r + 1) * width));
}

describe('largestConnectedComponent', () => {
  it('keeps the largest 4-connected component of a 2-D mask', () => {
    const { mask, dimensions } = picture([
      '##....#', //
      '##...##',
      '.#..###',
      '#.#....', // diagonal neighbours do not connect
      '#.#..##',
    ]);
    const result = largestConnectedComponent(mask, dimensions);
    expect(toRows(result, 7)).toEqual(['......#', '.....##', '....###', '.......', '.......']);
    expect(mask[0]).toBe(1); // the input is not modified
  });

  it('connects through z in 3-D with 6-connectivity', () => {
    const dimensions: Vec3 = [3, 3, 3];
    const mask = new Uint8Array(27);
    const at = (i: number, j: number, k: number) => i + 3 * j + 9 * k;
    // A: a column through the three slices, connected only along z (3 voxels).
    mask[at(0, 0, 0)] = mask[at(0, 0, 1)] = mask[at(0, 0, 2)] = 1;
    // B (slice 0) and C (slice 1), 2 voxels each, touch only diagonally: one component of 4 under
    // 26-connectivity, which would then beat A.
    mask[at(2, 2, 0)] = mask[at(2, 1, 0)] = 1;
    mask[at(1, 1, 1)] = mask[at(1, 2, 1)] = 1;
    const result = largestConnectedComponent(mask, dimensions);
    expect(Array.from(result.keys()).filter((v) => result[v])).toEqual([
      at(0, 0, 0),
      at(0, 0, 1),
      at(0, 0, 2),
    ]);
  });

  it('handles a large volume without recursion', () => {
    const dimensions: Vec3 = [256, 256, 40];
    const mask = new Uint8Array(256 * 256 * 40).fill(1);
    mask.fill(0, 256 * 256 * 20, 256 * 256 * 21); // cut at slice 20: slices 0–19 beat 21–39
    const result = largestConnectedComponent(mask, dimensions);
    expect(result.reduce((sum, v) => sum + v, 0)).toBe(256 * 256 * 20);
    expect(result[0]).toBe(1);
    expect(result[result.length - 1]).toBe(0);
  });

  it('with keepFraction, also keeps every component of at least that fraction of the largest', () => {
    // A 20 × 1 row: components of 6, 1, 3, 2 and 1 voxels.
    const mask = Uint8Array.from('111111010111011010'.padEnd(20, '0'), (c) => Number(c));
    const sizes = (kept: Uint8Array) =>
      Array.from(kept)
        .join('')
        .split('0')
        .filter(Boolean)
        .map((run) => run.length);
    expect(sizes(largestConnectedComponent(mask, [20, 1, 1]))).toEqual([6]);
    expect(sizes(largestConnectedComponent(mask, [20, 1, 1], 0.5))).toEqual([6, 3]);
    expect(sizes(largestConnectedComponent(mask, [20, 1, 1], 0.3))).toEqual([6, 3, 2]);
  });

  it('returns an empty mask for an empty mask and rejects a wrong size', () => {
    expect(largestConnectedComponent(new Uint8Array(8), [2, 2, 2]).every((v) => v === 0)).toBe(true);
    expect(() => largestConnectedComponent(new Uint8Array(7), [2, 2, 2])).toThrow(RangeError);
  });
});
