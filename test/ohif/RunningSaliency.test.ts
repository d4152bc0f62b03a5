import { binSaliency } from '../../extension/src/engine/saliency/binSaliency';
import { RunningSaliency } from '../../extension/src/ohif/RunningSaliency';

describe('RunningSaliency', () => {
  const dimensions: [number, number, number] = [2, 2, 4];
  const plane = 4;

  it('bins only the explained slices, exactly as the whole volume is binned', () => {
    const running = new RunningSaliency(dimensions);
    running.add({ offset: 1 * plane, saliency: Float32Array.of(0, 1, 2, 4), final: false });
    running.add({ offset: 3 * plane, saliency: Float32Array.of(8, 0, 0, 2), final: true });
    const whole = binSaliency(running.volume(), 4).labels;
    const binned = running.binnedSlices(4);
    expect([...binned.keys()]).toEqual([1, 3]);
    for (const [k, labels] of binned)
      expect([...labels]).toEqual([...whole.subarray(k * plane, (k + 1) * plane)]);
    expect([...whole.subarray(0, plane)]).toEqual([0, 0, 0, 0]);
  });

  it("replaces an image's earlier running map, and splits a 3-D model's map into its slices", () => {
    const running = new RunningSaliency(dimensions);
    running.add({ offset: plane, saliency: Float32Array.of(1, 1, 1, 1), final: false });
    running.add({ offset: plane, saliency: Float32Array.of(0, 0, 0, 2), final: true });
    expect([...running.volume().subarray(plane, 2 * plane)]).toEqual([0, 0, 0, 2]);
    const volume = new RunningSaliency(dimensions);
    volume.add({ offset: 0, saliency: new Float32Array(16).fill(1), final: false });
    expect([...volume.binnedSlices(2).keys()]).toEqual([0, 1, 2, 3]);
  });
});
