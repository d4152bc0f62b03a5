import { requestOf } from '../../cli/src/commands/requestOf';
import type { ExplainCommandOptions } from '../../cli/src/commands/ExplainCommandOptions';
import { METHODS } from '../../extension/src/engine/methods';
import { defaultSamples, resolveRequest } from '../../extension/src/runtime/resolveRequest';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { reportOf } from '../../extension/src/runtime/reportOf';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { segParameters } from '../../extension/src/seg/segParameters';
import { fixture, plantedSlice } from '../helpers/plantedImage';
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
      batchSize: 'auto',
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
    '%s: the panel (untouched fields) and the CLI (no flags but the viewer’s coarse-to-fine) ask for the same run',
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
        // The viewer runs occlusion coarse-to-fine by default (a slab in minutes); the CLI exhaustively.
        coarseToFine: method === 'occlusion' || undefined,
      } as ExplainCommandOptions);
      expect(resolveRequest(panel)).toEqual(resolveRequest(cli));
    },
  );
});

describe('methodOptions: a method declares its parameters once, every host passes them by name', () => {
  const base = { organ: 'liver', roi: 'clip' as const, scope: 'slice' as const, slice: 0 };

  it('fills each declared parameter from the registry and keeps what the request sets', () => {
    const lime = resolveRequest({ ...base, method: 'lime', methodOptions: { featureSizeMm: '10' } });
    expect(lime.methodOptions).toEqual({ features: 'slic', featureSizeMm: 10, samplesPerFeature: 0 });
    expect(resolveRequest({ ...base, method: 'rise' }).methodOptions).toEqual(
      Object.fromEntries(METHODS.rise.parameters.map((p) => [p.key, METHODS.rise.defaults[p.key]])),
    );
    expect(resolveRequest({ ...base, method: 'occlusion' })).not.toHaveProperty('methodOptions');
  });

  it('refuses an unknown name or a value out of range, saying what is allowed', () => {
    expect(() => resolveRequest({ ...base, method: 'lime', methodOptions: { size: 3 } })).toThrow(
      'LIME has no option "size". Its options: features, featureSizeMm, samplesPerFeature.',
    );
    expect(() => resolveRequest({ ...base, method: 'lime', methodOptions: { features: 'squares' } })).toThrow(
      'LIME features must be one of slic, grid, got "squares".',
    );
    expect(() => resolveRequest({ ...base, method: 'rise', methodOptions: { keepProbability: 0 } })).toThrow(
      'RISE keepProbability must be between 0.05 and 1, got 0.',
    );
    expect(() => resolveRequest({ ...base, method: 'occlusion', methodOptions: { fill: 1 } })).toThrow(
      'Occlusion has no option "fill". Its options: none.',
    );
  });

  it('runs with them: the explanation, its report and SEG parameters record the values used', async () => {
    const loaded = await loadModelFile(fixture('planted2d.manifest.json'));
    const run = (featureSizeMm: number) =>
      runExplanation(loaded, plantedSlice(), {
        ...base,
        method: 'lime',
        roi: 'none',
        samples: 24,
        fill: 0,
        methodOptions: { features: 'grid', featureSizeMm },
      });
    const coarse = await run(16);
    const fine = await run(4);
    const distinct = (map: Float32Array) => new Set(map).size;
    // Grid cells of 16 mm on the 1 mm planted slice: 4 × 4 coefficients; 4 mm: many more.
    expect(distinct(coarse.result.saliency.data)).toBeLessThanOrEqual(16);
    expect(distinct(fine.result.saliency.data)).toBeGreaterThan(16);
    const report = reportOf(fine, loaded, [64, 64, 1]);
    expect(report.methodOptions).toMatchObject({ features: 'grid', featureSizeMm: 4, samples: 24 });
    expect(JSON.parse(segParameters(report))).toMatchObject({ features: 'grid', featureSizeMm: 4 });
  });

  it('declares only options the method reads, each with a default', () => {
    for (const method of Object.values(METHODS)) {
      for (const parameter of method.parameters) {
        expect((method.defaults as object as Record<string, unknown>)[parameter.key]).toBeDefined();
      }
    }
  });
});
