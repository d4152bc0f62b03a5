import { webBenchChecks } from './webBenchChecks';
import { webBenchMarkdown } from './webBenchMarkdown';
import { WebBenchResult, WebRun } from './WebBenchResult';

const run = (overrides: Partial<WebRun> = {}): WebRun => ({
  scope: 'slice',
  status: 'done',
  passes: 400,
  explainMs: 32000,
  msPerPass: 80,
  wallMs: 34000,
  firstSaliencyAfterRoiMs: 700,
  firstSaliencyAfterClickMs: 2400,
  batchSize: 2,
  overhead: 1.04,
  sliceStepMs: [120, 250, 180],
  peakPssMb: 1100,
  ...overrides,
});

function resultOf(): Omit<WebBenchResult, 'checks' | 'totalMs'> {
  return {
    startedAt: '2026-12-05T12:00:00.000Z',
    machine: {
      cpus: 2,
      cpuModel: 'AMD EPYC',
      loadAverage: [1, 1.5, 2],
      node: 'v20.20.2',
      browser: 'Chromium 156',
    },
    model: 'chaos-ct-segformer',
    study: 'CHAOS CT',
    slice: 51,
    settings: {
      organ: 'liver',
      method: 'occlusion',
      roi: 'clip',
      windowMm: 20,
      strideMm: 10,
      coarseToFine: true,
    },
    memoryMethod: 'renderer PSS.',
    configs: [
      {
        threadsAsked: null,
        threads: 1,
        crossOriginIsolated: true,
        backend: 'wasm',
        idleSliceStepMs: [40, 35],
        overlaySliceStepMs: [300, 280],
        slabEstimate: { passes: 12000, ms: 960000 },
        slice: run(),
        memory: { beforeMb: 700, afterRunMb: 650, afterCancelMb: 1000, cancelledSlabPeakMb: 1200 },
        cancelledSlabSliceStepMs: [200, 350],
      },
    ],
    cli: { passes: 390, explainMs: 8400, msPerPass: 21.5, overhead: 1.12, threads: 'cores − 1' },
  };
}

describe("bench:web's output", () => {
  it("checks the issue's targets on the first thread setting", () => {
    const checks = webBenchChecks(resultOf());
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName['first visible saliency after the ROI']).toMatchObject({ value: '0.70 s', ok: true });
    expect(byName['one CT slice, panel defaults (click to result)']).toMatchObject({
      value: '34.0 s',
      ok: false,
    });
    expect(byName['slowest slice step while a run goes on']).toMatchObject({ value: '350 ms', ok: false });
    expect(byName['tab memory after a run − before']).toMatchObject({ value: '-50 MB', ok: true });
    expect(byName['tab memory after a cancelled slab − before']).toMatchObject({
      value: '300 MB',
      ok: false,
    });
    expect(byName['explanation time per pass ÷ ONNX Runtime per pass (slice)']).toMatchObject({ ok: true });
    expect(checks.some((c) => c.name.startsWith('liver slab'))).toBe(false);
  });

  it('writes the runs, the Node CLI, memory and the targets as markdown tables', () => {
    const partial = resultOf();
    const markdown = webBenchMarkdown({ ...partial, totalMs: 120000, checks: webBenchChecks(partial) });
    expect(markdown).toMatch(/^# XAI-CLIP browser benchmark\n/);
    expect(markdown).toContain(
      "the panel's defaults for liver (occlusion, coarse-to-fine, ROI clip, window 20 mm",
    );
    expect(markdown).toContain(
      '| one slice (wasm) | 1 | done | 400 | 34.0 | 32.0 | 80.0 | 2 | 1.04 | 0.70 | 2.40 | 180 / 250 (3) | 1100 |',
    );
    expect(markdown).toContain(
      '| one slice, Node CLI (onnxruntime-node, cores − 1) | | done | 390 | | 8.40 | 21.5 | | 1.12 |',
    );
    expect(markdown).toContain(
      '| 1 (auto) | yes | 40 / 40 (2) | 300 / 300 (2) | 350 / 350 (2) | 12000 passes, 16.0 min | 700 | 650 | 1000 | 1200 |',
    );
    expect(markdown).toContain('| one CT slice, panel defaults (click to result) | 34.0 s | ≤ 10 s | no |');
  });
});
