import { innermostVoxel } from '../../../extension/src/engine/volume/innermostVoxel';
import { maskComponents } from '../../../extension/src/engine/volume/maskComponents';

describe('innermostVoxel', () => {
  it('lies inside a C-shaped piece whose centroid does not', () => {
    const rows = ['#####', '#....', '#....', '#....', '#####'];
    const mask = Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
    const [piece] = maskComponents(mask, { dimensions: [5, 5, 1], spacing: [1, 1, 1] });
    const centroidIndex = Math.round(piece.centroid[0]) + 5 * Math.round(piece.centroid[1]);
    expect(mask[centroidIndex]).toBe(0);
    const v = innermostVoxel(piece, 5, 5);
    expect(mask[v]).toBe(1);
    expect([v % 5, Math.floor(v / 5)]).toEqual([0, 2]); // the middle of the C's back
  });
});
