import type { ExplanationReport } from './reportOf';

/** The batch size a report ran with, in words: how an auto batch chose it and the timings behind that. */
export function describeBatch({ batch, backend }: Pick<ExplanationReport, 'batch' | 'backend'>): string {
  if (!batch.msPerPass) return `batch size ${batch.size} (as asked)`;
  const tried = Object.entries(batch.msPerPass);
  if (tried.length === 0)
    return `batch size ${batch.size} (auto: the fastest on ${backend} in an earlier run)`;
  const timings = tried.map(([size, ms]) => `${size}: ${ms.toFixed(1)}`).join(', ');
  return `batch size ${batch.size} (auto: the fastest on ${backend}; ms per pass ${timings})`;
}
