import { normalisedCausalAuc } from '../../../extension/src/engine/metrics/normalisedCausalAuc';

describe('normalisedCausalAuc', () => {
  it('reaches its bounds only for a curve that falls (deletion) or returns (insertion) at the first step', () => {
    const perfect = normalisedCausalAuc({ deletion: [1, 0, 0, 0], insertion: [0.3, 1, 1, 1] });
    expect(perfect).toEqual({ deletion: 0, insertion: 1, insertionStart: 0.3 });
    // One step later: a third of the range short of the bound.
    const late = normalisedCausalAuc({ deletion: [1, 1, 0, 0], insertion: [0.3, 0.4, 1, 1] });
    expect(late.deletion).toBeCloseTo(1 / 3, 10);
    expect(late.insertion).toBeCloseTo(2.4 / 3, 10);
  });

  it('clips scores above the original (insertion cannot exceed 1) and below 0', () => {
    const clipped = normalisedCausalAuc({ deletion: [1, -0.2, 0.5, 1.4], insertion: [1.1, 1.2, 1.05, 0.9] });
    expect(clipped.deletion).toBeCloseTo(1.5 / 3, 10);
    expect(clipped.insertion).toBeCloseTo(2.9 / 3, 10);
    expect(clipped.insertionStart).toBe(1.1);
  });
});
