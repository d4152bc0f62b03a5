import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { RunSummary } from '../../extension/src/ohif/RunRegistry';
import { RunList } from '../../extension/src/panel/RunList';

describe("the panel's run list", () => {
  const run = (id: string, method: string, visible: boolean): RunSummary => ({
    id,
    label: `XAI-CLIP ${method} liver, slice 43, 14:02`,
    method,
    organ: 'liver',
    slices: { explained: [43], count: 78 },
    roi: { source: 'clip', fraction: 0.229 },
    passes: 371,
    explainMs: 24100,
    finishedAt: 0,
    seriesDescription: 'CT',
    visible,
  });
  const runs = [run('run-1', 'occlusion', false), run('run-2', 'rise', true)];
  const render = (running: boolean) =>
    renderToStaticMarkup(
      createElement(RunList, {
        runs,
        currentRunId: 'run-2',
        running,
        onShow() {},
        onRemove() {},
        onRename() {},
        onCompare() {},
        onSwap() {},
      }),
    );

  it('shows one row per run: label, what it did, and Show or Hide; the current run is marked', () => {
    const html = render(false);
    expect(html.match(/data-cy="xai-run"/g)).toHaveLength(2);
    expect(html).toContain(
      '<div data-cy="xai-run-details" style="font-size:11px;color:#9fb2c8;margin-top:2px">' +
        'occlusion · liver · slice 43/78 · CLIP ROI 22.9 % · 371 passes · 24.1 s</div>',
    );
    expect([...html.matchAll(/data-cy="xai-run-visible"[^>]*>(\w+)</g)].map((m) => m[1])).toEqual([
      'Show',
      'Hide',
    ]);
    expect(html.match(/data-cy="xai-run-current"/g)).toHaveLength(1);
    expect(html).toContain('data-cy="xai-compare-runs"');
  });

  it('waits while a run goes on: every button is disabled', () => {
    const buttons = [...render(true).matchAll(/<button [^>]*>/g)].map((m) => m[0]);
    expect(buttons.length).toBeGreaterThan(6);
    expect(buttons.every((button) => button.includes('disabled'))).toBe(true);
  });

  it('shows nothing before the first run', () => {
    expect(
      renderToStaticMarkup(
        createElement(RunList, {
          runs: [],
          running: false,
          onShow() {},
          onRemove() {},
          onRename() {},
          onCompare() {},
          onSwap() {},
        }),
      ),
    ).toBe('');
  });
});
