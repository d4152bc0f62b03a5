import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { commandNames } from '../../extension/src/id';
import { getCommandsModule } from '../../extension/src/ohif/getCommandsModule';
import { RunCost } from '../../extension/src/ohif/panelState';
import { PassSpeeds } from '../../extension/src/ohif/PassSpeeds';
import { XaiClipController } from '../../extension/src/ohif/XaiClipController';
import { RunControls } from '../../extension/src/panel/RunControls';
import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
};

const explainRequests = (worker: { requests: { type: string }[] }) =>
  worker.requests.filter((r) => r.type === 'explain');

/** The controller once the fake survey (liver on slice 1, the slice shown) is in. */
async function surveyed(speeds?: PassSpeeds) {
  const viewer = setup({ speeds });
  viewer.controller.attach();
  await until(() => viewer.controller.store.state.survey?.result !== undefined);
  return viewer;
}

const costOf = async (controller: XaiClipController, passes: number): Promise<RunCost> => {
  await until(() => (controller.store.state.cost as { passes?: number } | undefined)?.passes === passes);
  return controller.store.state.cost!;
};

const renderControls = (cost: RunCost) =>
  renderToStaticMarkup(
    createElement(RunControls, {
      running: false,
      cost,
      onExplain: () => undefined,
      onCancel: () => undefined,
    }),
  );

describe('the cost of a run, shown before the click', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('shows the passes once the organ is surveyed, and that the time needs a first run', async () => {
    const { controller } = await surveyed();
    // Slice 1, coarse-to-fine (the viewer's default): the unperturbed pass, one coarse window (it covers
    // the 4×3 slice), the outside pass, and the second round's unperturbed pass (0.3 of its one fine
    // window rounds to none).
    expect(await costOf(controller, 4)).toEqual({ passes: 4 });
    expect(renderControls(controller.store.state.cost!)).toContain(
      '≈ 4 passes; the time is known after the first run',
    );
    // Plain occlusion: the unperturbed pass, one window, the outside pass.
    controller.updateSettings({ coarseToFine: false });
    expect(await costOf(controller, 3)).toEqual({ passes: 3 });
    controller.updateSettings({ method: 'rise', samples: 1000 });
    expect(await costOf(controller, 1002)).toEqual({ passes: 1002 });
    controller.detach();
  });

  it('times the passes at the speed the last run measured', async () => {
    const speeds = new PassSpeeds();
    const { controller } = await surveyed(speeds);
    controller.updateSettings({ coarseToFine: false });
    await costOf(controller, 3);
    // The fake run: 3 passes run and 2 skipped in 5 ms on wasm, 1 ms per planned pass.
    expect(await controller.explain()).toBeDefined();
    expect(speeds.of('chaos-ct-segformer', 'wasm')).toEqual({ msPerPass: 1, backend: 'wasm' });
    await until(() => (controller.store.state.cost as { ms?: number }).ms !== undefined);
    expect(controller.store.state.cost).toEqual({ passes: 3, ms: 3, backend: 'wasm' });
    expect(renderControls(controller.store.state.cost!)).toMatch(/≈ 3 passes, ≈ 1 s<\/div>/);
    controller.detach();
  });

  it('asks before a run over two minutes, from the panel and the toolbar command alike', async () => {
    const speeds = new PassSpeeds();
    speeds.record('chaos-ct-segformer', 'wasm', 1, 1000);
    const { controller, worker, segmentations } = await surveyed(speeds);
    controller.updateSettings({ method: 'rise', samples: 1000 });
    const cost = await costOf(controller, 1002);
    expect(cost).toEqual({ passes: 1002, ms: 1_002_000, backend: 'wasm' });
    expect(renderControls(cost)).toMatch(/data-cy="xai-explain"[^>]*>Explain \(≈ 16 min 42 s\)…</);

    const explain = getCommandsModule(() => controller).actions[commandNames.explain];
    for (const run of [() => controller.explain(), () => explain()]) {
      expect(await run()).toBeUndefined();
      expect(controller.store.state.confirm?.message).toBe(
        'This run takes ≈ 1,002 passes, ≈ 16 min 42 s (measured on wasm). Explain anyway?',
      );
    }
    expect(explainRequests(worker)).toHaveLength(0);
    expect(segmentations).toHaveLength(1);
    // Another setting withdraws the question; a quick run is not asked about.
    controller.updateSettings({ samples: 50 });
    expect(controller.store.state.confirm).toBeUndefined();
    await costOf(controller, 52);
    expect(await controller.explain()).toBeDefined();
    // Confirmed, the long run goes ahead.
    expect(await controller.explain({ samples: 1000, confirmed: true })).toBeDefined();
    expect(explainRequests(worker)).toHaveLength(2);
    controller.detach();
  });

  it('says why there is no estimate', () => {
    expect(renderControls({ error: 'Slice 3 lies outside the ROI.' })).toContain(
      'No estimate: Slice 3 lies outside the ROI.',
    );
  });
});
