import { roiOutline } from '../../extension/src/ohif/roiOutline';

/** Rows of a 0/1 plane as strings, for readable expectations. */
const rows = (plane: Uint8Array, nx: number) =>
  Array.from({ length: plane.length / nx }, (_, j) =>
    Array.from(plane.subarray(j * nx, (j + 1) * nx)).join(''),
  );

describe('roiOutline', () => {
  it("draws a box ROI's edge on the explained slice only", () => {
    const outline = roiOutline([{ slice: 1, box: { min: [1, 1, 0], max: [5, 4, 1] } }], [6, 5, 2], 1);
    expect(rows(outline.subarray(30), 6)).toEqual(['000000', '011110', '010010', '011110', '000000']);
    expect(outline.subarray(0, 30).every((v) => v === 0)).toBe(true);
  });

  it("draws a mask-shaped ROI's border, not its box (a diamond's box corners stay empty)", () => {
    const region = Uint8Array.from('00100' + '01110' + '11111' + '01110' + '00100', Number);
    const outline = roiOutline([{ slice: 0, box: { min: [0, 0, 0], max: [5, 5, 1] } }], [5, 5, 1], 1, region);
    // The centre and its four neighbours have all four neighbours inside the diamond: not border.
    expect(rows(outline, 5)).toEqual(['00100', '01010', '10001', '01010', '00100']);
  });
});
