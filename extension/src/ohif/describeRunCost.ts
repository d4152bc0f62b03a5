import { formatDuration } from '../engine/evaluate/formatDuration';
import { RunCost } from './panelState';

/** The cost in words: "≈ 21,860 passes, ≈ 1 h 34 min", or why the time is not known yet. */
export function describeRunCost(cost: Exclude<RunCost, { error: string }>): string {
  const passes = `≈ ${cost.passes.toLocaleString('en-US')} passes`;
  if (cost.ms === undefined) return `${passes}; the time is known after the first run`;
  return `${passes}, ≈ ${formatDuration(cost.ms)}`;
}
