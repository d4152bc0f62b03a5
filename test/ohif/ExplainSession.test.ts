import { EXPLAIN_EVENTS } from '../../extension/src/ohif/explainEvents';
import { ExplainSession } from '../../extension/src/ohif/ExplainSession';
import { Volume } from '../../extension/src/engine/volume/Volume';
import { CancelledError } from '../../extension/src/worker/ExplainWorkerClient';
import { FakeWorker, NX, NY, NZ } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

const volume = (): Volume => ({
  data: new Int16Array(NX * NY * NZ),
  dimensions: [NX, NY, NZ],
  spacing: [1, 1, 2],
  origin: [0, 0, 0],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
});
const request = { organ: 'liver', method: 'occlusion', roi: 'clip', scope: 'slice', slice: 1 } as const;

describe('ExplainSession (the worker, one run at a time, typed events)', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });
  const sessionOf = (config: object = {}) => {
    const worker = new FakeWorker();
    const session = new ExplainSession(
      () => ({ models: [{ url: '/models/ct/manifest.json', modalities: ['CT'] }], ...config }),
      () => worker as unknown as Worker,
    );
    return { session, worker };
  };

  it('announces the model and progress of a run as namespaced events, then resolves to its maps', async () => {
    const { session, worker } = sessionOf({ executionProviders: ['wasm'] });
    const heard: [string, unknown][] = [];
    for (const event of [EXPLAIN_EVENTS.EXPLAIN_MODEL, EXPLAIN_EVENTS.EXPLAIN_PROGRESS])
      session.subscribe(event, (payload) => heard.push([event, payload]));
    const output = await session.explain(volume(), 'CT', request);
    expect(output.saliency).toHaveLength(NX * NY * NZ);
    expect(heard).toEqual([
      [
        'xaiClip.explain.model',
        expect.objectContaining({ backend: 'wasm', classes: ['background', 'liver'] }),
      ],
      ['xaiClip.explain.progress', expect.objectContaining({ done: 3, total: 3 })],
    ]);
    expect(worker.requests[0]).toMatchObject({
      manifestUrl: 'http://localhost/models/ct/manifest.json',
      executionProviders: ['wasm'],
    });
  });

  it('asks the worker for running maps when the caller paints them, unless runningMaps is off', async () => {
    const paint = () => undefined;
    const asked = async (config: object, onPartial?: () => void) => {
      const { session, worker } = sessionOf(config);
      await session.explain(volume(), 'CT', request, onPartial);
      return (worker.requests[0] as any).runningMaps;
    };
    await expect(asked({}, paint)).resolves.toBe(true);
    await expect(asked({ runningMaps: false }, paint)).resolves.toBe(false);
    await expect(asked({})).resolves.toBe(false);
  });

  it('refuses to subscribe to an event it does not have', () => {
    const { session } = sessionOf();
    expect(() => session.subscribe('xaiClip.explain.done' as any, () => undefined)).toThrow(
      'There is no XAI-CLIP event "xaiClip.explain.done".',
    );
  });

  it('cancels the running explanation, and says when there is none', async () => {
    const { session, worker } = sessionOf();
    worker.respond = () => [];
    const run = session.explain(volume(), 'CT', request);
    expect(session.cancel()).toBe(true);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(session.cancel()).toBe(false);
  });

  it('surveys on its own execution providers and cancels a survey that a newer one made obsolete', async () => {
    const { session, worker } = sessionOf({ survey: { executionProviders: ['wasm'] } });
    worker.holdSurveys = true;
    void session.survey(volume(), 'CT', 'liver').catch(() => undefined);
    void session.survey(volume(), 'CT', 'spleen').catch(() => undefined);
    expect(worker.requests.map((r: any) => [r.type, r.organ ?? r.id, r.executionProviders])).toEqual([
      ['survey', 'liver', ['wasm']],
      ['cancel', 1, undefined],
      ['survey', 'spleen', ['wasm']],
    ]);
  });

  it('runs again on a new single-threaded worker when threaded WASM failed to start, with the voxels handed back', async () => {
    const workers: FakeWorker[] = [];
    const session = new ExplainSession(
      () => ({ models: [{ url: '/models/ct/manifest.json', modalities: ['CT'] }], wasmThreads: 4 }),
      () => {
        const worker = new FakeWorker();
        workers.push(worker);
        return worker as unknown as Worker;
      },
    );
    const handedBack = new Int16Array(NX * NY * NZ);
    const fallback = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const run = session.explain(volume(), 'CT', request);
    // The first worker's answer is read when it replies (a task later).
    workers[0].respond = (message) => [
      {
        type: 'error',
        id: message.id,
        message: 'WebAssembly backend initializing failed due to timeout: 60000ms',
        cancelled: false,
        threadedInitFailed: { volume: handedBack },
      },
    ];
    const output = await run;
    expect(output.saliency).toHaveLength(NX * NY * NZ);
    expect(workers).toHaveLength(2);
    const retried = workers[1].requests[0] as any;
    expect(retried).toMatchObject({ type: 'explain', wasmThreads: 1 });
    expect(retried.volume.data).toBe(handedBack);
    expect((workers[0].requests[0] as any).wasmThreads).toBe(4);
    expect(fallback).toHaveBeenCalledWith(
      expect.stringMatching(/threaded WASM failed to start .*; running on one thread/),
    );
    fallback.mockRestore();
  });

  it('ends the worker after a run (its WASM heap cannot shrink) and hands the tuned batch sizes to the next', async () => {
    const workers: FakeWorker[] = [];
    const session = new ExplainSession(
      () => ({ models: [{ url: '/models/ct/manifest.json', modalities: ['CT'] }] }),
      () => {
        workers.push(new FakeWorker());
        return workers[workers.length - 1] as unknown as Worker;
      },
    );
    await session.explain(volume(), 'CT', request);
    expect(workers[0].terminated).toBe(true);
    expect((workers[0].requests[0] as any).batchSizes).toEqual([]);
    await session.explain(volume(), 'CT', request);
    expect(workers).toHaveLength(2);
    expect((workers[1].requests[0] as any).batchSizes).toEqual([['chaos-ct-segformer|wasm', 8]]);
  });

  it('keeps the worker after a cancelled run while a survey still waits on it', async () => {
    const { session, worker } = sessionOf();
    worker.holdSurveys = true;
    void session.survey(volume(), 'CT', 'liver').catch(() => undefined);
    worker.respond = () => [];
    const run = session.explain(volume(), 'CT', request);
    session.cancel();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(worker.terminated).toBe(false);
  });

  it('names the modalities it has models for when a series has none', async () => {
    const { session, worker } = sessionOf();
    expect(session.hasModelFor('MR')).toBe(false);
    await expect(session.explain(volume(), 'MR', request)).rejects.toThrow(
      'No XAI-CLIP model is configured for MR series (models exist for CT).',
    );
    expect(worker.requests).toHaveLength(0);
  });
});
