import { holdSegmentationStats } from '../../extension/src/ohif/holdSegmentationStats';

describe('holdSegmentationStats', () => {
  const serviceWith = (value: unknown) => {
    const values = new Map<string, unknown>([['panelSegmentation.disableUpdateSegmentationStats', value]]);
    return {
      values,
      getCustomization: (id: string) => values.get(id),
      setCustomizations: (changes: Record<string, { $set: unknown }>) =>
        Object.entries(changes).forEach(([id, { $set }]) => values.set(id, $set)),
    };
  };

  it("turns OHIF's segment statistics off while held, then restores the value before", () => {
    for (const before of [undefined, false, true]) {
      const service = serviceWith(before);
      const resume = holdSegmentationStats(service);
      expect(service.values.get('panelSegmentation.disableUpdateSegmentationStats')).toBe(true);
      resume();
      expect(service.values.get('panelSegmentation.disableUpdateSegmentationStats')).toBe(before ?? false);
    }
  });

  it('holds nothing without a customization service', () => {
    expect(() => holdSegmentationStats(undefined)()).not.toThrow();
  });
});
