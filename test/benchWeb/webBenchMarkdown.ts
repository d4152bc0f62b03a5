import { WebBenchResult, WebRun } from './WebBenchResult';

const seconds = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1));
const round = (value: number | null, digits = 0) => (value === null ? '–' : value.toFixed(digits));
const median = (values: number[]) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const steps = (values: number[]) =>
  values.length ? `${round(median(values))} / ${round(Math.max(...values))} (${values.length})` : '–';

function runRow(label: string, threads: number, run: WebRun): string {
  return (
    `| ${label} | ${threads} | ${run.status} | ${run.passes} | ${seconds(run.wallMs)} | ${seconds(run.explainMs)} | ` +
    `${round(run.msPerPass, 1)} | ${run.batchSize} | ${round(run.overhead, 2)} | ${seconds(run.firstSaliencyAfterRoiMs)} | ` +
    `${seconds(run.firstSaliencyAfterClickMs)} | ${steps(run.sliceStepMs)} | ${round(run.peakPssMb)} |`
  );
}

/** The browser benchmark as markdown: the runs, memory, the Node CLI beside them, and the targets. */
export function webBenchMarkdown(result: WebBenchResult): string {
  const { machine, settings } = result;
  const lines = [
    '# XAI-CLIP browser benchmark',
    '',
    `Run ${result.startedAt}, ${seconds(result.totalMs)} s in all, on ${machine.cpus} × ${machine.cpuModel} ` +
      `(load ${machine.loadAverage.map((l) => l.toFixed(2)).join(', ')}), headless ${machine.browser}, Node ${machine.node}. ` +
      `Model ${result.model}; study ${result.study}, slice ${result.slice}.`,
    '',
    `Settings: the panel's defaults for ${settings.organ} (${settings.method}${settings.coarseToFine ? ', coarse-to-fine' : ''}, ROI ${settings.roi}, window ${settings.windowMm} mm, ` +
      `stride ${settings.strideMm} mm). Slice steps: ms from a mouse-wheel event on the viewport to its next frame, median / max (count). ` +
      `Memory: ${result.memoryMethod}`,
    '',
    '| run | WASM threads | status | passes | wall s | explain s | ms/pass | batch | overhead | first map after ROI s | first map after click s | slice step ms | peak tab MB |',
    '|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const config of result.configs) {
    lines.push(runRow(`one slice (${config.backend})`, config.threads, config.slice));
    if (config.slab) lines.push(runRow(`organ slab (${config.backend})`, config.threads, config.slab));
  }
  if (result.cli) {
    const { cli } = result;
    lines.push(
      `| one slice, Node CLI (onnxruntime-node, ${cli.threads}) | | done | ${cli.passes} | | ${seconds(cli.explainMs)} | ${round(cli.msPerPass, 1)} | | ${round(cli.overhead, 2)} | | | | |`,
    );
  }
  lines.push(
    '',
    '| WASM threads | isolated | idle slice step ms | idle, result overlay shown | during cancelled slab | slab estimate | tab MB before | after run | after cancelled slab | cancelled slab peak |',
    '|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const c of result.configs) {
    lines.push(
      `| ${c.threads}${c.threadsAsked === null ? ' (auto)' : ''} | ${c.crossOriginIsolated ? 'yes' : 'no'} | ${steps(c.idleSliceStepMs)} | ` +
        `${steps(c.overlaySliceStepMs)} | ${steps(c.cancelledSlabSliceStepMs)} | ` +
        `${c.slabEstimate.passes} passes, ${c.slabEstimate.ms === null ? '–' : `${(c.slabEstimate.ms / 60000).toFixed(1)} min`} | ` +
        `${round(c.memory.beforeMb)} | ${round(c.memory.afterRunMb)} | ${round(c.memory.afterCancelMb)} | ${round(c.memory.cancelledSlabPeakMb)} |`,
    );
  }
  lines.push('', '| target | measured | goal | met |', '|---|--:|--:|---|');
  for (const check of result.checks)
    lines.push(`| ${check.name} | ${check.value} | ${check.target} | ${check.ok ? 'yes' : 'no'} |`);
  lines.push('');
  return lines.join('\n');
}
