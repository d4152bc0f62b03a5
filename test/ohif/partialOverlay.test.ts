import { WorkerResponse } from '../../extension/src/worker/messages';
import { FakeWorker, NX, NY, setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

const plane = NX * NY;

/** Slice 1's running maps as the worker posts them: a coarse one, then the finished one. */
function partials(id: number): WorkerResponse[] {
  const coarse = new Float32Array(plane);
  coarse[5] = 1;
  const finished = new Float32Array(plane);
  finished[5] = 1;
  finished[6] = 0.5;
  return [
    { type: 'partial', id, offset: plane, saliency: coarse, final: false },
    { type: 'partial', id, offset: plane, saliency: finished, final: true },
  ];
}

/** Answers with the running maps before the default messages (model, progress, result). */
function progressive(worker: FakeWorker): void {
  const plain = worker.respond;
  worker.respond = (request) => [...partials(request.id), ...plain(request)];
}

describe('Running maps in the viewer', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('paints a refining overlay while the run goes on; the result replaces it with the same levels as a plain run', async () => {
    const plainRun = setup();
    await plainRun.controller.explain({ organ: 'liver', levels: 4 });
    const plainLabels = Array.from(plainRun.labelmapImages.get('seg:a')!.voxelManager.data);

    const { controller, worker, segmentations, labelmapImages } = setup();
    progressive(worker);
    const labels: string[][] = [];
    controller.store.subscribe(() => labels.push(segmentations.map((s) => s.label)));
    await controller.explain({ organ: 'liver', levels: 4 });

    expect(labels.some((l) => l.includes('XAI-CLIP occlusion (refining) liver'))).toBe(true);
    expect(segmentations.map((s) => s.label)).toEqual([
      'Manual liver',
      expect.stringMatching(/^XAI-CLIP occlusion liver, slice 2, /),
    ]);
    expect(Array.from(labelmapImages.get('seg:a')!.voxelManager.data)).toEqual(plainLabels);
    expect(controller.store.state).toMatchObject({ status: 'done', partialUpdates: 2 });
  });

  it('cancel during a running paint removes the refining overlay and keeps the other segmentations', async () => {
    const { controller, worker, segmentations, labelmapImages } = setup();
    worker.respond = (request) => partials(request.id).slice(0, 1);
    const run = controller.explain({ organ: 'liver', levels: 4 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(segmentations.map((s) => s.label)).toEqual([
      'Manual liver',
      'XAI-CLIP occlusion (refining) liver',
    ]);
    // The coarse map's one voxel (slice 1, voxel 5) is the top level.
    expect(Array.from(labelmapImages.get('seg:a')!.voxelManager.data)[5]).toBe(3);
    controller.cancel();
    expect(await run).toBeUndefined();
    expect(controller.store.state).toMatchObject({ status: 'cancelled', partialUpdates: 1 });
    expect(segmentations.map((s) => s.label)).toEqual(['Manual liver']);
  });
});
