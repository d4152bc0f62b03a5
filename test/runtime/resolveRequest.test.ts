import { requestOf } from '../../cli/src/commands/requestOf';
import type { ExplainCommandOptions } from '../../cli/src/commands/explain';
import { METHODS } from '../../extension/src/engine/methods';
import { defaultSamples, resolveRequest } from '../../extension/src/runtime/resolveRequest';
import { WorkerRequest } from '../../extension/src/worker/messages';
import { setup } from '../ohif/helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('resolveRequest: every default in one place', () => {
  it('fills occlusion from the registry: window 20 mm, stride half of it, outside tiles only with an ROI', () => {
    expect(METHODS.occlusion.defaults.windowMm).toBe(20);
    expect(
      resolveRequest({ organ: 'liver', method: 'occlusion', roi: 'clip', scope: 'slice', slice: 3 }),
    ).toEqual({
      organ: 'liver',
      method: 'occlusion',
      roi: 'clip',
      roiShape: 'mask',
      scope: 'slice',
      slice: 3,
      marginMm: 10,
      fill: 'min',
      target: 'sum',
      batchSize: 8,
      seed: 0,
      windowMm: 20, // occlusion's registry default
      strideMm: 10,
      outsideTileFactor: 2.25,
      outsideTiles: 'slic',
    });
    const full = resolveRequest({
      organ: 'liver',
      method: 'occlusion',
      roi: 'none',
      scope: 'slab',
      windowMm: 30,
    });
    expect(full).toMatchObject({ windowMm: 30, strideMm: 15 });
    expect(full).not.toHaveProperty('outsideTileFactor');
    expect(full).not.toHaveProperty('slice');
    expect(
      resolveRequest({ organ: 'liver', method: 'occlusion', roi: 'clip', scope: 'slice', coarseToFine: true })
        .coarseToFine,
    ).toEqual({ factor: 2, refineFraction: 0.5 });
  });

  it("gives RISE and LIME their registry's masks and samples, and drops occlusion's fields", () => {
    const rise = resolveRequest({
      organ: 'liver',
      method: 'rise',
      roi: 'clip',
      scope: 'slice',
      windowMm: 30,
    });
    expect(rise.samples).toBe(METHODS.rise.defaults.masks);
    expect(rise).not.toHaveProperty('windowMm');
    expect(resolveRequest({ organ: 'liver', method: 'lime', roi: 'clip', scope: 'slice' }).samples).toBe(
      METHODS.lime.defaults.samples,
    );
    expect(defaultSamples('rise')).toBe(METHODS.rise.defaults.masks);
  });

  it.each(['occlusion', 'rise', 'lime'])(
    '%s: the panel (untouched fields) and the CLI (no flags) ask for the same run',
    async (method) => {
      (globalThis as any).location = { href: 'http://localhost/xai-clip' };
      const { controller, worker } = setup();
      await controller.explain({ method: method as any });
      const panel = (
        worker.requests.find((r) => r.type === 'explain') as Extract<WorkerRequest, { type: 'explain' }>
      ).request;
      const cli = requestOf({
        organ: 'liver',
        method,
        roi: 'clip',
        scope: 'slice',
        slice: panel.slice,
        fill: 'min',
        target: 'sum',
      } as ExplainCommandOptions);
      expect(resolveRequest(panel)).toEqual(resolveRequest(cli));
    },
  );
});
