import { WorkerRequest } from '../../extension/src/worker/messages';
import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe('XaiClipController (host glue with plain-object services)', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('explains the current slice and writes binned levels onto the matching labelmap slice', async () => {
    const { controller, worker, segmentations, labelmapImages, colors } = setup();
    const report = await controller.explain({ organ: 'liver', levels: 4 });
    expect(report).toMatchObject({ organ: 'liver', passes: 3 });
    const request = worker.requests[0] as Extract<WorkerRequest, { type: 'explain' }>;
    expect(request.request).toMatchObject({
      organ: 'liver',
      slice: 1,
      scope: 'slice',
      roi: 'clip',
      roiShape: 'mask',
    });
    // Named after the run: method, organ, the slice as the viewer numbers it (k = 1 is its 2nd), time.
    expect(segmentations.map((s) => s.label)).toEqual([
      'Manual liver',
      expect.stringMatching(/^XAI-CLIP occlusion liver, slice 2, \d\d:\d\d$/),
    ]);
    const segments = (segmentations[1] as any).segments;
    expect(Object.keys(segments)).toEqual(['1', '2', '3']);
    expect(segments[3]).toMatchObject({
      label: 'XAI-CLIP occlusion liver ≥ 0.75',
      algorithmType: 'AUTOMATIC',
      algorithmName: 'XAI-CLIP',
    });
    // Slice 1 is 'seg:a' (listed first but referencing img:1): voxel 5 top level 3, voxel 6 level 2.
    expect(Array.from(labelmapImages.get('seg:a')!.voxelManager.data)).toEqual([
      0, 0, 0, 0, 0, 3, 2, 0, 0, 0, 0, 0,
    ]);
    expect(Array.from(labelmapImages.get('seg:b')!.voxelManager.data).every((v) => v === 0)).toBe(true);
    expect(colors.map(([index]) => index)).toEqual([1, 2, 3]);
    expect(controller.store.state).toMatchObject({
      status: 'done',
      backend: 'wasm',
      fallbackReason: 'webgpu: no adapter',
    });
  });

  it('asks for coarse-to-fine occlusion only when the method is occlusion', async () => {
    const { controller, worker } = setup();
    await controller.explain({ coarseToFine: true });
    await controller.explain({ coarseToFine: true, method: 'rise' });
    const requests = worker.requests.filter((r) => r.type === 'explain') as Extract<
      WorkerRequest,
      { type: 'explain' }
    >[];
    expect(requests.map((r) => [r.request.method, r.request.coarseToFine])).toEqual([
      ['occlusion', true],
      ['rise', false],
    ]);
  });

  it('adds and removes the ROI-box and predicted-organ overlays on request', async () => {
    const { controller, segmentations, services } = setup();
    await controller.explain({ showRoi: true });
    const run = segmentations[1].label;
    expect(segmentations.map((s) => s.label)).toEqual(['Manual liver', run, `${run} · ROI (clip)`]);
    controller.updateSettings({ showRoi: false, showOrganMask: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(services.segmentationService.remove).toHaveBeenCalledTimes(1);
    expect(segmentations.map((s) => s.label)).toEqual(['Manual liver', run, `${run} · predicted liver`]);
  });

  it('refuses a second Explain while one is running', async () => {
    const { controller, worker, services } = setup();
    const first = controller.explain();
    const second = await controller.explain();
    await first;
    expect(second).toBeUndefined();
    expect(worker.requests.filter((r) => r.type === 'explain')).toHaveLength(1);
    expect(services.uiNotificationService.show).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/already running/) }),
    );
  });

  it('cancels: no overlay is created and the state says so', async () => {
    const { controller, worker, segmentations } = setup();
    worker.respond = () => [];
    const run = controller.explain();
    await new Promise((resolve) => setTimeout(resolve, 5));
    controller.cancel();
    expect(await run).toBeUndefined();
    expect(controller.store.state.status).toBe('cancelled');
    expect(segmentations).toHaveLength(1);
  });

  it.each([
    ['a non-image series', { modality: 'SR' }, /SR object, not an image/],
    ['a single-slice series', { imageIds: ['img:0'] }, /single slice/],
    ['a modality without a model', { modality: 'PT' }, /No XAI-CLIP model is configured for PT/],
  ])('reports %s and changes nothing', async (_, overrides, message) => {
    const { controller, worker, segmentations } = setup(overrides);
    expect(await controller.explain()).toBeUndefined();
    expect(controller.store.state.status).toBe('error');
    expect(controller.store.state.message).toMatch(message);
    expect(worker.requests).toHaveLength(0);
    expect(segmentations).toHaveLength(1);
  });

  it('passes worker errors to the panel and keeps existing segmentations', async () => {
    const { controller, worker, segmentations } = setup();
    worker.respond = (request) => [
      {
        type: 'error',
        id: request.id,
        message: 'The model "m" does not know the organ "pancreas".',
        cancelled: false,
      },
    ];
    await controller.explain({ organ: 'pancreas' });
    expect(controller.store.state).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/pancreas/),
    });
    expect(segmentations).toHaveLength(1);
  });

  it('waits for a series still loading, then explains', async () => {
    const { controller, volume, libraries } = setup({ loaded: false });
    volume.load.mockImplementation(() => {
      volume.loadStatus = { loaded: true, loading: false };
    });
    const run = controller.explain();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(controller.store.state).toMatchObject({ stage: expect.stringMatching(/finish loading/) });
    // The loading-completed event releases the wait.
    libraries.cornerstone.eventTarget.dispatchEvent(
      Object.assign(new Event('loaded'), { detail: { volumeId: 'cornerstoneStreamingImageVolume:ds' } }),
    );
    const report = await run;
    expect(controller.store.state.message).toBeUndefined();
    expect(report).toBeDefined();
  });
});

describe('XaiClipController before a run: where is the organ?', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });
  const surveyed = async (controller: any) => {
    controller.attach();
    while (!controller.store.state.survey?.result) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('surveys the series on attach, takes its model organs, and shows the slice where the organ is largest', async () => {
    const { controller, worker, viewport } = setup();
    worker.surveyResult = {
      ...worker.surveyResult,
      organ: 'liver',
      modelVoxels: [6, 2],
      clipFraction: [0.5, 0.5],
      sliceVoxels: 12,
    };
    await surveyed(controller);
    const request = worker.requests.find((r) => r.type === 'survey') as Extract<
      WorkerRequest,
      { type: 'survey' }
    >;
    expect(request).toMatchObject({ organ: 'liver' });
    // The survey gets a copy: the series keeps its voxels.
    expect(request.volume.data.byteLength).toBeGreaterThan(0);
    expect(controller.store.state.classes).toEqual(['background', 'liver']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(viewport.setImageIdIndex).toHaveBeenCalledWith(0);
    expect(controller.store.state.currentSlice).toBe(0);
    controller.detach();
  });

  it.each([
    [[0, 0], [0, 0], /Neither the model nor the localiser finds liver on this slice/],
    [
      [0, 6],
      [0, 0],
      /The model predicts liver here \(6 pixels\), but the localiser finds none: likely a false positive/,
    ],
    [[0, 0], [0, 0.5], /The localiser finds liver here, but the model predicts none/],
  ])(
    'holds a slice run back until confirmed when model %j and localiser %j doubt the organ',
    async (modelVoxels, clipFraction, message) => {
      const { controller, worker, segmentations } = setup();
      worker.surveyResult = {
        ...worker.surveyResult,
        organ: 'liver',
        modelVoxels,
        clipFraction,
        sliceVoxels: 12,
      };
      await surveyed(controller);
      expect(await controller.explain()).toBeUndefined();
      expect(controller.store.state.confirm?.message).toMatch(message);
      expect(worker.requests.some((r) => r.type === 'explain')).toBe(false);
      expect(segmentations).toHaveLength(1);
      const report = await controller.explain({ confirmed: true });
      expect(report).toBeDefined();
      expect(controller.store.state.confirm).toBeUndefined();
      controller.detach();
    },
  );

  it('cancels a survey that another organ made obsolete', async () => {
    const { controller, worker } = setup();
    worker.holdSurveys = true;
    controller.attach();
    const surveys = () => worker.requests.filter((r) => r.type === 'survey');
    while (surveys().length < 1) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.updateSettings({ organ: 'spleen' });
    while (surveys().length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(worker.requests).toContainEqual({ type: 'cancel', id: surveys()[0].id });
    expect(controller.store.state.survey).toMatchObject({ organ: 'spleen' });
    controller.detach();
  });

  it('runs at once where model and localiser agree, and never holds a slab run', async () => {
    const { controller, worker } = setup();
    await surveyed(controller);
    expect(await controller.explain()).toBeDefined();
    worker.surveyResult = {
      ...worker.surveyResult,
      organ: 'liver',
      modelVoxels: [0, 0],
      clipFraction: [0, 0],
      sliceVoxels: 12,
    };
    expect(await controller.explain({ scope: 'slab' })).toBeDefined();
    controller.detach();
  });
});
