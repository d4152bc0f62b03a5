import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Page } from 'playwright-core';
import { clickExplainConfirmed, showSlice } from '../e2e/helpers/pageActions';
import { chaosLiverTruth, largestLiverSlice, openViewer, ViewerSession } from '../e2e/helpers/viewerSession';
import { waitForXaiState, xaiState } from '../e2e/helpers/xaiCommands';
import { dataRoot } from '../helpers/dataRoot';
import { observeRun, markStart } from './observeRun';
import { sliceStepLatency } from './sliceStepLatency';
import { settledTabMemory } from './settledTabMemory';
import { tabMemory } from './tabMemory';
import { webBenchChecks } from './webBenchChecks';
import { webBenchMarkdown } from './webBenchMarkdown';
import { WebBenchResult, WebConfigResult, WebRun } from './WebBenchResult';

export interface WebBenchOptions {
  port: number;
  outDir: string;
  /** WASM thread settings to compare (null: the extension's own choice). */
  threads: (number | null)[];
  /** Also run the organ slab to its end (minutes at the panel's defaults). */
  slab: boolean;
  /** Also time the Node CLI on the same slice. */
  cli: boolean;
  /** Slice steps during the slice run (the quick mode takes fewer). */
  steps: number;
}

const REPO = path.resolve(__dirname, '..', '..');
const MODEL_MANIFEST = path.join(REPO, 'models', 'chaos-ct-segformer', 'manifest.json');
const MEMORY_METHOD =
  "PSS summed over the browser's renderer processes (/proc/<pid>/smaps_rollup; the pids from CDP SystemInfo.getProcessInfo). " +
  'The page, its explanation worker and the WASM threads are threads of that one process; the GPU and browser processes are left out. ' +
  "Before: with the study shown and the organ surveyed; after: 3 s after the run's end, once the page's garbage is collected.";

/** Progress on stderr (stdout gets the markdown). */
const log = (line: string) => console.error(`[bench:web] ${line}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Clicks Explain (and "Explain anyway" when it asks) and times the run; steps slices while it runs. */
async function timedRun(
  session: ViewerSession,
  scope: 'slice' | 'slab',
  { steps, cancelAfterMs }: { steps: number; cancelAfterMs?: number },
): Promise<WebRun> {
  const { page } = session;
  await page.selectOption('[data-cy="xai-scope"]', scope);
  await waitForXaiState(page, (state, wanted) => state.settings.scope === wanted && Boolean(state.cost), {
    arg: scope,
    timeout: 60000,
  });
  const timeline = observeRun(page, 30 * 60000);
  await markStart(page);
  await clickExplainConfirmed(page);
  let peakPssMb = 0;
  let running = true;
  void timeline.finally(() => (running = false)).catch(() => undefined);
  const sampler = (async () => {
    while (running) {
      peakPssMb = Math.max(peakPssMb, (await tabMemory(session.browser)).pssMb);
      await pause(1000);
    }
  })();
  const sliceStepMs: number[] = [];
  await waitForXaiState(page, (s) => s.status !== 'running' || s.partialUpdates > 0, {
    timeout: 120000,
    polling: 50,
  });
  const firstMapAt = Date.now();
  for (let i = 0; i < steps && running; i++) {
    const latency = await sliceStepLatency(page, i % 2 ? -1 : 1).catch(() => null);
    if (running && latency !== null) sliceStepMs.push(latency);
    await pause(400);
  }
  if (cancelAfterMs !== undefined) {
    await pause(Math.max(0, cancelAfterMs - (Date.now() - firstMapAt)));
    await page.click('[data-cy="xai-cancel"]');
  }
  const { roiKnownMs, firstSaliencyMs, endMs, status } = await timeline;
  await sampler;
  const { report } = await xaiState(page);
  const passes = report && status === 'done' ? report.passes : 0;
  const explainMs = report && status === 'done' ? report.explainMs : 0;
  const tuned = Object.values((report?.batch?.msPerPass ?? {}) as Record<string, number>);
  const ortMsPerPass = status === 'done' && report?.batch?.msPerPass?.[report.batch.size];
  return {
    scope,
    status,
    passes,
    explainMs,
    msPerPass: passes ? explainMs / passes : NaN,
    wallMs: endMs,
    firstSaliencyAfterRoiMs:
      firstSaliencyMs !== null && roiKnownMs !== null ? firstSaliencyMs - roiKnownMs : null,
    firstSaliencyAfterClickMs: firstSaliencyMs,
    batchSize: report?.batch?.size ?? 0,
    overhead: ortMsPerPass && tuned.length ? explainMs / passes / ortMsPerPass : null,
    sliceStepMs,
    peakPssMb,
  };
}

/** Idle wheel steps: the viewer's own slice-step time, for comparison. */
async function idleSteps(page: Page, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    times.push(await sliceStepLatency(page, i % 2 ? -1 : 1));
    await pause(300);
  }
  return times;
}

async function benchConfig(
  options: WebBenchOptions,
  threadsAsked: number | null,
  slice: number,
): Promise<{ result: WebConfigResult; settings: WebBenchResult['settings'] }> {
  log(`opening the viewer (WASM threads: ${threadsAsked ?? 'auto'})`);
  const session = await openViewer(options.port, {
    xaiClip: threadsAsked === null ? {} : { wasmThreads: threadsAsked },
  });
  try {
    const { page } = session;
    await showSlice(page, slice);
    await page.selectOption('[data-cy="xai-organ"]', 'liver');
    const idleSliceStepMs = await idleSteps(page, options.steps);
    await showSlice(page, slice);
    const beforeMb = await settledTabMemory(session);
    log(`before: ${beforeMb.toFixed(0)} MB; explaining one slice`);
    const sliceRun = await timedRun(session, 'slice', { steps: options.steps });
    log(`slice: ${sliceRun.status}, ${sliceRun.passes} passes in ${sliceRun.wallMs.toFixed(0)} ms`);
    const state = await xaiState(page);
    const overlaySliceStepMs = await idleSteps(page, options.steps);
    await showSlice(page, slice);
    // The estimate follows the settings a moment later: wait until it is no longer the slice's.
    await waitForXaiState(page, (s) => s.cost?.passes > 0, { timeout: 60000 });
    const slicePasses = (await xaiState(page)).cost.passes;
    await page.selectOption('[data-cy="xai-scope"]', 'slab');
    await waitForXaiState(page, (s, before) => s.cost?.passes > 0 && s.cost.passes !== before, {
      arg: slicePasses,
      timeout: 60000,
    });
    const { cost } = await xaiState(page);
    const slab = options.slab ? await timedRun(session, 'slab', { steps: options.steps }) : undefined;
    await showSlice(page, slice);
    const afterRunMb = await settledTabMemory(session);
    log(`after the run: ${afterRunMb.toFixed(0)} MB; a slab cancelled after 8 s`);
    const cancelled = await timedRun(session, 'slab', { steps: options.steps, cancelAfterMs: 8000 });
    const afterCancelMb = await settledTabMemory(session);
    await page.selectOption('[data-cy="xai-scope"]', 'slice');
    const { organ, method, roi, windowMm, strideMm } = state.settings;
    const coarseToFine = method === 'occlusion' && state.settings.coarseToFine === true;
    const result: WebConfigResult = {
      threadsAsked,
      threads: state.threads,
      crossOriginIsolated: await page.evaluate(() => self.crossOriginIsolated),
      backend: state.backend,
      fallbackReason: state.fallbackReason,
      idleSliceStepMs,
      overlaySliceStepMs,
      slabEstimate: { passes: cost.passes, ms: cost.ms ?? null },
      slice: sliceRun,
      slab,
      memory: { beforeMb, afterRunMb, afterCancelMb, cancelledSlabPeakMb: cancelled.peakPssMb },
      cancelledSlabSliceStepMs: cancelled.sliceStepMs,
    };
    return { result, settings: { organ, method, roi, windowMm, strideMm, coarseToFine } };
  } finally {
    await session.close();
  }
}

/** The Node CLI (onnxruntime-node) on the same slice with the viewer run's settings. */
function cliRun(slice: number, settings: WebBenchResult['settings']): WebBenchResult['cli'] {
  const out = execFileSync(
    process.execPath,
    [
      path.join(REPO, 'bin', 'xai-clip.js'),
      'explain',
      ...['--model', MODEL_MANIFEST, '--input', path.join(dataRoot(), 'chaos-ct', 'dicom')],
      ...['--organ', settings.organ, '--method', settings.method, '--roi', settings.roi, '--scope', 'slice'],
      ...[
        '--slice',
        String(slice),
        '--window-mm',
        String(settings.windowMm),
        '--stride-mm',
        String(settings.strideMm),
        ...(settings.coarseToFine ? ['--coarse-to-fine'] : []),
      ],
      ...['--out', path.join(os.tmpdir(), `xai-clip-bench-web-${process.pid}`), '--json'],
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const report = JSON.parse(out);
  const { passes, explainMs, batch } = report;
  const ortMsPerPass = batch?.msPerPass?.[batch.size];
  return {
    passes,
    explainMs,
    msPerPass: explainMs / passes,
    overhead: ortMsPerPass ? explainMs / passes / ortMsPerPass : null,
    threads: 'its default intra-op threads (cores − 1)',
  };
}

/** Runs the browser benchmark and writes web-bench.json and web-bench.md to `outDir`. */
export async function runWebBench(options: WebBenchOptions): Promise<WebBenchResult> {
  const started = Date.now();
  const slice = largestLiverSlice(chaosLiverTruth());
  const configs: WebConfigResult[] = [];
  let settings: WebBenchResult['settings'] | undefined;
  for (const threads of options.threads) {
    const config = await benchConfig(options, threads, slice);
    configs.push(config.result);
    settings ??= config.settings;
  }
  if (!settings) throw new Error('bench:web needs at least one thread setting to run.');
  if (options.cli) log('the Node CLI on the same slice');
  const cli = options.cli ? cliRun(slice, settings) : undefined;
  const browser = execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], {
    encoding: 'utf8',
  }).trim();
  const partial = {
    startedAt: new Date(started).toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
      loadAverage: os.loadavg(),
      node: process.version,
      browser,
    },
    model: 'chaos-ct-segformer',
    study: 'CHAOS CT (demo study, dicomjson)',
    slice,
    settings,
    memoryMethod: MEMORY_METHOD,
    configs,
    cli,
  };
  const result: WebBenchResult = {
    ...partial,
    totalMs: Date.now() - started,
    checks: webBenchChecks(partial),
  };
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(path.join(options.outDir, 'web-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(options.outDir, 'web-bench.md'), webBenchMarkdown(result));
  return result;
}
