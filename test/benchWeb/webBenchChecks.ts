import { WebBenchResult } from './WebBenchResult';

/** The targets (2 cores, WASM), checked on the first thread setting's runs. */
export function webBenchChecks(result: Omit<WebBenchResult, 'checks' | 'totalMs'>): WebBenchResult['checks'] {
  const config = result.configs[0];
  if (!config) return [];
  const { slice, slab, memory } = config;
  const steps = [...slice.sliceStepMs, ...(slab?.sliceStepMs ?? []), ...config.cancelledSlabSliceStepMs];
  const slowestStep = steps.length ? Math.max(...steps) : NaN;
  const checks: WebBenchResult['checks'] = [
    {
      name: 'first visible saliency after the ROI',
      value: `${((slice.firstSaliencyAfterRoiMs ?? NaN) / 1000).toFixed(2)} s`,
      target: '≤ 2 s',
      ok: slice.firstSaliencyAfterRoiMs !== null && slice.firstSaliencyAfterRoiMs <= 2000,
    },
    {
      name: 'one CT slice, panel defaults (click to result)',
      value: `${(slice.wallMs / 1000).toFixed(1)} s`,
      target: '≤ 10 s',
      ok: slice.status === 'done' && slice.wallMs <= 10000,
    },
    {
      name: 'slowest slice step while a run goes on',
      value: `${slowestStep.toFixed(0)} ms`,
      target: '≤ 300 ms',
      ok: slowestStep <= 300,
    },
    {
      name: 'tab memory after a run − before',
      value: `${(memory.afterRunMb - memory.beforeMb).toFixed(0)} MB`,
      target: '≤ 200 MB',
      ok: memory.afterRunMb - memory.beforeMb <= 200,
    },
    {
      name: 'tab memory after a cancelled slab − before',
      value: `${(memory.afterCancelMb - memory.beforeMb).toFixed(0)} MB`,
      target: '≤ 200 MB',
      ok: memory.afterCancelMb - memory.beforeMb <= 200,
    },
    {
      name: 'tab memory during a slab run (peak)',
      value: `${Math.max(memory.cancelledSlabPeakMb, slab?.peakPssMb ?? 0).toFixed(0)} MB`,
      target: '< 1500 MB',
      ok: Math.max(memory.cancelledSlabPeakMb, slab?.peakPssMb ?? 0) < 1500,
    },
  ];
  if (slab)
    checks.push({
      name: 'liver slab, panel defaults',
      value: `${(slab.wallMs / 60000).toFixed(1)} min`,
      target: '≤ 5 min',
      ok: slab.status === 'done' && slab.wallMs <= 5 * 60000,
    });
  if (slice.overhead !== null)
    checks.push({
      name: 'explanation time per pass ÷ ONNX Runtime per pass (slice)',
      value: slice.overhead.toFixed(2),
      target: '≤ 1.10',
      ok: slice.overhead <= 1.1,
    });
  return checks;
}
