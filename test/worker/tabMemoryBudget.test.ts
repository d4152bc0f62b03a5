import { TAB_MEMORY_BUDGET_BYTES, tabMemoryBudget } from '../../extension/src/worker/tabMemoryBudget';

describe('the tab’s memory budget', () => {
  it('is the constant, or a quarter of a smaller device’s memory', () => {
    expect(tabMemoryBudget(undefined)).toBe(TAB_MEMORY_BUDGET_BYTES);
    expect(tabMemoryBudget(8)).toBe(TAB_MEMORY_BUDGET_BYTES);
    expect(tabMemoryBudget(4)).toBe(1e9);
    expect(tabMemoryBudget(0.5)).toBe(0.125e9);
  });
});
