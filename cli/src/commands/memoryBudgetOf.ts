import { freemem } from 'os';

/** The batch memory budget in bytes: --memory-budget, or half of the memory free now (the rest for the OS and the images). */
export function memoryBudgetOf(options: { memoryBudget?: number }): number {
  return options.memoryBudget ?? freemem() / 2;
}
