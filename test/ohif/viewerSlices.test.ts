import { describeViewerSlices, viewerSlicesOf } from '../../extension/src/ohif/viewerSlices';

describe("the viewer's slice numbers", () => {
  // A series stored head first: the viewer's stack runs the other way round from volume order k.
  const imageIds = Array.from({ length: 78 }, (_, k) => `img:${k}`);
  const stack = [...imageIds].reverse();

  it('numbers volume slice k as the viewport overlay does: its 1-based position in the stack', () => {
    expect(viewerSlicesOf({ slices: [35] }, imageIds, stack)).toEqual({ explained: [43], count: 78 });
    expect(viewerSlicesOf({ slices: [34, 35, 36], interpolatedSlices: [35] }, imageIds, stack)).toEqual({
      explained: [42, 43, 44],
      interpolated: [43],
      count: 78,
    });
  });

  it('says slices in words', () => {
    expect(describeViewerSlices([43])).toBe('slice 43');
    expect(describeViewerSlices([42, 43, 44])).toBe('slices 42–44');
    expect(describeViewerSlices([40, 43])).toBe('slices 40, 43');
  });
});
