import { XaiClipController } from '../../extension/src/ohif/XaiClipController';
import { WorkerRequest, WorkerResponse } from '../../extension/src/worker/messages';

/* eslint-disable @typescript-eslint/no-explicit-any */

const NX = 4;
const NY = 3;
const NZ = 2;

/** A worker stand-in that answers an explain request like explain.worker.ts does. */
class FakeWorker {
  onmessage: ((event: MessageEvent<WorkerResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  requests: WorkerRequest[] = [];
  respond: (request: Extract<WorkerRequest, { type: 'explain' }>) => WorkerResponse[] = (request) => {
    const saliency = new Float32Array(NX * NY * NZ);
    saliency[NX * NY + 5] = 1; // slice 1, voxel 5: top level
    saliency[NX * NY + 6] = 0.5;
    return [
      {
        type: 'model',
        id: request.id,
        backend: 'wasm',
        fallbackReason: 'webgpu: no adapter',
        classes: ['background', 'liver'],
      },
      { type: 'progress', id: request.id, done: 3, total: 3, etaMs: 0 },
      {
        type: 'result',
        id: request.id,
        saliency,
        organMask: new Uint8Array(NX * NY * NZ).fill(1, NX * NY + 4, NX * NY + 8),
        report: {
          organ: 'liver',
          method: 'occlusion',
          backend: 'wasm',
          fallbackReason: 'webgpu: no adapter',
          passes: 3,
          calls: 1,
          wallMs: 5,
          slices: [1],
          roi: { source: 'clip', voxels: 6, fraction: 0.25 },
          notes: [],
          roiBoxes: [{ slice: 1, box: { min: [0, 0, 0], max: [4, 3, 1] } }],
        },
      },
    ];
  };
  postMessage(message: WorkerRequest) {
    this.requests.push(message);
    if (message.type === 'explain') {
      setTimeout(() =>
        this.respond(message).forEach((data) => this.onmessage?.({ data } as MessageEvent<WorkerResponse>)),
      );
    } else {
      const id = message.id;
      setTimeout(() =>
        this.onmessage?.({
          data: { type: 'error', id, message: 'The explanation was cancelled.', cancelled: true },
        } as MessageEvent<WorkerResponse>),
      );
    }
  }
  terminate() {}
}

function setup(overrides: { modality?: string; imageIds?: string[]; loaded?: boolean } = {}) {
  const imageIds = overrides.imageIds ?? ['img:0', 'img:1'];
  // Labelmap images are listed in reverse order, to check slices are matched by referencedImageId.
  const labelmapImages = new Map([
    [
      'seg:a',
      {
        referencedImageId: 'img:1',
        voxelManager: {
          data: new Uint8Array(NX * NY),
          getScalarData() {
            return this.data;
          },
        },
      },
    ],
    [
      'seg:b',
      {
        referencedImageId: 'img:0',
        voxelManager: {
          data: new Uint8Array(NX * NY),
          getScalarData() {
            return this.data;
          },
        },
      },
    ],
  ]);
  const segmentations: { segmentationId: string; label: string }[] = [
    { segmentationId: 'existing', label: 'Manual liver' },
  ];
  const colors: any[] = [];
  const services: any = {
    viewportGridService: {
      EVENTS: {},
      subscribe: () => ({ unsubscribe() {} }),
      getActiveViewportId: () => 'vp',
      getState: () => ({ viewports: new Map([['vp', { displaySetInstanceUIDs: ['ds'] }]]) }),
    },
    displaySetService: {
      getDisplaySetByUID: () => ({
        displaySetInstanceUID: 'ds',
        Modality: overrides.modality ?? 'CT',
        SeriesInstanceUID: 's',
        StudyInstanceUID: 't',
      }),
    },
    cornerstoneViewportService: {
      getCornerstoneViewport: () => ({
        type: 'stack',
        id: 'vp',
        getImageIds: () => imageIds,
        getCurrentImageId: () => 'img:1',
        render() {},
      }),
    },
    segmentationService: {
      EVENTS: {},
      subscribe: () => ({ unsubscribe() {} }),
      createLabelmapForDisplaySet: jest.fn(async (_ds: any, { label, segments }: any) => {
        const segmentationId = `new-${segmentations.length}`;
        segmentations.push({ segmentationId, label, segments } as any);
        return segmentationId;
      }),
      addSegmentationRepresentation: jest.fn(async () => undefined),
      getSegmentation: () => ({ representationData: { Labelmap: { imageIds: [...labelmapImages.keys()] } } }),
      getSegmentations: () => segmentations,
      setSegmentColor: (_vp: string, _id: string, index: number, color: number[]) =>
        colors.push([index, color]),
      remove: jest.fn((id: string) =>
        segmentations.splice(
          segmentations.findIndex((s) => s.segmentationId === id),
          1,
        ),
      ),
    },
    uiNotificationService: { show: jest.fn() },
  };
  const volume = {
    volumeId: 'v',
    imageIds: ['img:0', 'img:1'],
    dimensions: [NX, NY, NZ],
    spacing: [1, 1, 2],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    loadStatus: { loaded: overrides.loaded ?? true, loading: false },
    voxelManager: { getCompleteScalarDataArray: () => new Int16Array(NX * NY * NZ) },
    load: jest.fn(),
  };
  const libraries = {
    cornerstone: {
      cache: { getVolume: () => volume, getImage: (id: string) => labelmapImages.get(id) },
      volumeLoader: { createAndCacheVolume: async () => volume },
      eventTarget: new EventTarget(),
      Enums: { Events: { IMAGE_VOLUME_LOADING_COMPLETED: 'loaded' } },
    },
    cornerstoneTools: {
      segmentation: {
        triggerSegmentationEvents: { triggerSegmentationDataModified: jest.fn() },
        config: { style: { setStyle: jest.fn() } },
      },
      Enums: { SegmentationRepresentations: { Labelmap: 'Labelmap' } },
    },
  };
  const extensionManager = {
    getModuleEntry: () => ({ exports: { getCornerstoneLibraries: () => libraries } }),
  };
  const worker = new FakeWorker();
  const controller = new XaiClipController(
    services,
    extensionManager as any,
    { models: [{ url: 'http://localhost/models/ct/manifest.json', modalities: ['CT'] }] },
    () => worker as unknown as Worker,
  );
  return { controller, services, worker, segmentations, labelmapImages, colors, volume };
}

describe('XaiClipController (host glue with plain-object services)', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('explains the current slice and writes binned levels onto the matching labelmap slice', async () => {
    const { controller, worker, segmentations, labelmapImages, colors } = setup();
    const report = await controller.explain({ organ: 'liver', levels: 4 });
    expect(report).toMatchObject({ organ: 'liver', passes: 3 });
    const request = worker.requests[0] as Extract<WorkerRequest, { type: 'explain' }>;
    expect(request.request).toMatchObject({ organ: 'liver', slice: 1, scope: 'slice', roi: 'clip' });
    expect(segmentations.map((s) => s.label)).toEqual(['Manual liver', 'XAI-CLIP occlusion liver']);
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
    expect(controller.state).toMatchObject({
      status: 'done',
      backend: 'wasm',
      fallbackReason: 'webgpu: no adapter',
    });
  });

  it('adds and removes the ROI-box and predicted-organ overlays on request', async () => {
    const { controller, segmentations, services } = setup();
    await controller.explain({ showRoi: true });
    expect(segmentations.map((s) => s.label)).toEqual([
      'Manual liver',
      'XAI-CLIP occlusion liver',
      'XAI-CLIP ROI (clip)',
    ]);
    controller.updateSettings({ showRoi: false, showOrganMask: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(services.segmentationService.remove).toHaveBeenCalledTimes(1);
    expect(segmentations.map((s) => s.label)).toContain('XAI-CLIP predicted liver');
    expect(segmentations.map((s) => s.label)).not.toContain('XAI-CLIP ROI (clip)');
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
    expect(controller.state.status).toBe('cancelled');
    expect(segmentations).toHaveLength(1);
  });

  it.each([
    ['a non-image series', { modality: 'SR' }, /SR object, not an image/],
    ['a single-slice series', { imageIds: ['img:0'] }, /single slice/],
    ['a modality without a model', { modality: 'PT' }, /No XAI-CLIP model is configured for PT/],
  ])('reports %s and changes nothing', async (_, overrides, message) => {
    const { controller, worker, segmentations } = setup(overrides);
    expect(await controller.explain()).toBeUndefined();
    expect(controller.state.status).toBe('error');
    expect(controller.state.message).toMatch(message);
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
    expect(controller.state).toMatchObject({ status: 'error', message: expect.stringMatching(/pancreas/) });
    expect(segmentations).toHaveLength(1);
  });

  it('waits for a series still loading, then explains', async () => {
    const { controller, volume } = setup({ loaded: false });
    volume.load.mockImplementation(() => {
      volume.loadStatus = { loaded: true, loading: false };
    });
    const run = controller.explain();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(controller.state).toMatchObject({ stage: expect.stringMatching(/finish loading/) });
    // The loading-completed event releases the wait.
    const libraries = (controller as any).libraries();
    libraries.cornerstone.eventTarget.dispatchEvent(
      Object.assign(new Event('loaded'), { detail: { volumeId: 'cornerstoneStreamingImageVolume:ds' } }),
    );
    const report = await run;
    expect(controller.state.message).toBeUndefined();
    expect(report).toBeDefined();
  });
});
