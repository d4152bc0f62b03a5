import { formatDuration } from '../../../extension/src/engine/evaluate/formatDuration';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [400, '1 s'],
    [45_000, '45 s'],
    [59_001, '1 min'],
    [90_000, '1 min 30 s'],
    [5_592_000, '1 h 34 min'],
    [3_600_000, '1 h'],
  ])('%d ms reads "%s"', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('refuses a duration that is not one', () => {
    expect(() => formatDuration(-1)).toThrow('A duration must be a finite number ≥ 0 ms, got -1.');
    expect(() => formatDuration(NaN)).toThrow(/got NaN/);
  });
});
