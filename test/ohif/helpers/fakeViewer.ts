import { SanityReport } from '../../../extension/src/engine/sanity/SanityReport';
import { XaiClipController } from '../../../extension/src/ohif/XaiClipController';
import { PassSpeeds } from '../../../extension/src/ohif/PassSpeeds';
import { FaithfulnessReport } from '../../../extension/src/runtime/faithfulness/FaithfulnessReport';
import { OrganSurvey } from '../../../extension/src/runtime/surveyOrgan';
import { WorkerRequest, WorkerResponse } from '../../../extension/src/worker/messages';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const NX = 4;
export const NY = 3;
export const NZ = 2;

/** A worker stand-in that answers an explain request like explain.worker.ts does. */
export class FakeWorker {
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
        threads: 1,
      },
      { type: 'progress', id: request.id, done: 3, total: 3, etaMs: 0 },
      {
        type: 'result',
        id: request.id,
        saliency,
        organMask: new Uint8Array(NX * NY * NZ).fill(1, NX * NY + 4, NX * NY + 8),
        report: {
          model: 'chaos-ct-segformer',
          organ: 'liver',
          explainedTarget: { kind: 'organ' },
          targetLabel: 'liver',
          method: request.request.method,
          methodOptions: { windowMm: request.request.windowMm, strideMm: request.request.strideMm },
          scope: request.request.scope,
          backend: 'wasm',
          fallbackReason: 'webgpu: no adapter',
          passes: 3,
          skippedPasses: 2,
          calls: 1,
          explainMs: 5,
          slices: [1],
          roi: { source: 'clip', voxels: 6, fraction: 0.25 },
          notes: [],
          roiBoxes: [{ slice: 1, box: { min: [0, 0, 0], max: [4, 3, 1] } }],
          outsideRanked: true,
          batch: { size: 8 },
        },
        batchSizes: [['chaos-ct-segformer|wasm', 8]],
      },
    ];
  };
  /** Leave survey requests unanswered (a survey still running). */
  holdSurveys = false;
  /** What a survey request answers (see surveyOrgan): by default, liver on slice 1 only. */
  surveyResult: OrganSurvey = {
    organ: 'liver',
    modelVoxels: [0, 6],
    clipFraction: [0, 0.5],
    sliceVoxels: NX * NY,
    modelBoxes: [null, [1, 0, 4, 2]],
    dimensions: [NX, NY, NZ],
    spacing: [1, 1, 2],
    dimensionality: 2,
    model: 'chaos-ct-segformer',
  };
  /** What a faithfulness analysis answers; `holdAnalyses` leaves it unanswered (running). */
  holdAnalyses = false;
  faithfulness: FaithfulnessReport = {
    deletionAuc: 0.21,
    insertionAuc: 0.74,
    random: { deletionAuc: 0.55, insertionAuc: 0.38 },
    pointingGame: { hits: 1, images: 1 },
    steps: 30,
    organMultiple: 3,
    images: [],
    passes: 125,
    ms: 3200,
    notes: [],
  };
  /** The labels an inspect request answers (one slice, NX × NY). */
  inspectedLabels = new Uint8Array(NX * NY);
  /** What a sanity analysis answers. */
  sanity: SanityReport = {
    voxels: 'the ROI’s voxels on the 1 explained slice(s) (6 voxels)',
    voxelCount: 6,
    parameterRandomisation: {
      status: 'pass',
      figures: {
        steps: [
          { layers: ['head'], spearman: 0.41 },
          { layers: ['encoder'], spearman: 0.05 },
        ],
        threshold: 0.3,
      },
      summary: 'The map changes as the layers are randomised.',
    },
    inputIndependence: { status: 'pass', figures: { maxAbsSaliency: 0 }, summary: 'Exactly 0.' },
    repeatStability: {
      status: 'not applicable',
      figures: { seeds: [], meanPearson: null, threshold: 0.8 },
      summary: 'Occlusion is deterministic.',
    },
    passes: 40,
    wallMs: 2500,
  };
  postMessage(message: WorkerRequest) {
    this.requests.push(message);
    if (message.type === 'analyse') {
      const id = message.id;
      const answers: WorkerResponse[] = [
        { type: 'stage', id, stage: 'Faithfulness of the liver map: image 1 of 1' },
        { type: 'progress', id, done: 40, total: 125, etaMs: 1000 },
        ...(this.holdAnalyses
          ? []
          : message.analysis === 'sanity'
            ? [{ type: 'analysis', id, analysis: 'sanity', figures: this.sanity } as const]
            : [{ type: 'analysis', id, analysis: 'faithfulness', figures: this.faithfulness } as const]),
      ];
      setTimeout(() => answers.forEach((data) => this.onmessage?.({ data } as MessageEvent<WorkerResponse>)));
    }
    if (message.type === 'survey' && this.holdSurveys) return;
    if (message.type === 'survey') {
      const classes = ['background', 'liver'];
      const id = message.id;
      setTimeout(() =>
        [
          { type: 'model', id, backend: 'wasm', classes, threads: 1 },
          { type: 'survey', id, survey: this.surveyResult },
        ].forEach((data) => this.onmessage?.({ data } as MessageEvent<WorkerResponse>)),
      );
    } else if (message.type === 'explain') {
      setTimeout(() =>
        this.respond(message).forEach((data) => this.onmessage?.({ data } as MessageEvent<WorkerResponse>)),
      );
    } else if (message.type === 'inspect') {
      const inspection = {
        type: 'inspection',
        id: message.id,
        networkInput: new Float32Array(NX * NY),
        labels: Uint8Array.from(this.inspectedLabels),
      };
      setTimeout(() => this.onmessage?.({ data: inspection } as MessageEvent<WorkerResponse>));
    } else if (message.type === 'cancel') {
      const id = message.id;
      setTimeout(() =>
        this.onmessage?.({
          data: { type: 'error', id, message: 'The explanation was cancelled.', cancelled: true },
        } as MessageEvent<WorkerResponse>),
      );
    }
  }
  terminated = false;
  terminate() {
    this.terminated = true;
  }
}

/** The naturalized header of fake source image img:k (what OHIF's metaData answers for 'instance'). */
export function sourceHeader(k: number) {
  return {
    SOPInstanceUID: `1.2.3.${k}`,
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SeriesInstanceUID: '1.2.3.100',
    StudyInstanceUID: '1.2.3.200',
    ImagePositionPatient: [0, 0, 2 * k],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [1, 1],
    Rows: NY,
    Columns: NX,
  };
}

/**
 * OHIF's `generateSegmentation` as far as XAI-CLIP relies on it: a naturalized SEG dataset with
 * one frame per (labelmap slice, segment present), each referencing its source image, and the
 * host's own SegmentSequence (which `completeSaliencySeg` replaces).
 */
function fakeGenerateSegmentation(
  labelmapImages: Map<string, { referencedImageId: string; voxelManager: { data: Uint8Array } }>,
  options: Record<string, string>,
) {
  const frames = [...labelmapImages.values()].flatMap((image) =>
    [...new Set(image.voxelManager.data)]
      .filter((segment) => segment > 0)
      .map((segment) => ({
        sop: sourceHeader(Number(image.referencedImageId.slice(4))).SOPInstanceUID,
        segment,
      })),
  );
  return {
    dataset: {
      SOPClassUID: options.sopClassUID,
      SOPInstanceUID: '2.25.1001',
      SeriesInstanceUID: '2.25.1002',
      StudyInstanceUID: 't',
      Modality: 'SEG',
      SegmentationType: options.sopClassUID.endsWith('.66.7') ? 'LABELMAP' : 'BINARY',
      SeriesDescription: options.SeriesDescription,
      NumberOfFrames: frames.length,
      SegmentSequence: [{ SegmentNumber: 1, SegmentLabel: 'OHIF Brush' }],
      SharedFunctionalGroupsSequence: {
        PlaneOrientationSequence: { ImageOrientationPatient: [1, 0, 0, 0, 1, 0] },
      },
      PerFrameFunctionalGroupsSequence: frames.map(({ sop, segment }) => ({
        DerivationImageSequence: { SourceImageSequence: { ReferencedSOPInstanceUID: sop } },
        SegmentIdentificationSequence: { ReferencedSegmentNumber: segment },
      })),
      _meta: { TransferSyntaxUID: { Value: [options.transferSyntaxUID], vr: 'UI' } },
    },
  };
}

export function setup(
  overrides: {
    modality?: string;
    imageIds?: string[];
    loaded?: boolean;
    /** The active data source's definition (default: the dicomjson demo source). */
    dataSource?: object;
    /** The measured pass speeds (default: none yet). */
    speeds?: PassSpeeds;
    /** The panel's settings from the configuration (`xaiClip.defaults`). */
    defaults?: object;
  } = {},
) {
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
  /** Each segmentation's visibility in the viewport (a representation is visible once added). */
  const visible = new Map<string, boolean>();
  /** The segmentation service's subscribers by event, and the events as OHIF fires them. */
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  const emit = (event: string, payload: unknown) =>
    listeners.get(event)?.forEach((listener) => listener(payload));
  /** The viewport's extra image actors (the heatmaps) by uid, as a stack viewport holds them. */
  const actors = new Map<string, { actor: any }>();
  const viewport = {
    type: 'stack',
    id: 'vp',
    element: new EventTarget(),
    getImageIds: () => imageIds,
    getCurrentImageId: () => 'img:1',
    setImageIdIndex: jest.fn(async () => undefined),
    render() {},
    getImageDataMetadata: () => ({
      origin: [0, 0, 2],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
      dimensions: [NX, NY, 1],
      spacing: [1, 1, 2],
    }),
    createVTKImageData: ({ pixelArray }: { pixelArray: Float32Array }) => {
      const scalars = { getData: () => pixelArray, modified() {} };
      return { setOrigin() {}, modified() {}, getPointData: () => ({ getScalars: () => scalars }) };
    },
    createActorMapper: (imageData: any) => ({
      imageData,
      visible: true,
      setVisibility(visible: boolean) {
        this.visible = visible;
      },
      getProperty: () => ({
        setRGBTransferFunction() {},
        setUseLookupTableScalarRange() {},
        setInterpolationTypeToLinear() {},
      }),
    }),
    addActor: ({ uid, actor }: any) => actors.set(uid, { actor }),
    getActor: (uid: string) => actors.get(uid),
    removeActors: (uids: string[]) => uids.forEach((uid) => actors.delete(uid)),
  };
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
      getCornerstoneViewport: () => viewport,
    },
    segmentationService: {
      EVENTS: {
        SEGMENTATION_ADDED: 'segmentationAdded',
        SEGMENTATION_MODIFIED: 'segmentationModified',
        SEGMENTATION_REMOVED: 'segmentationRemoved',
        SEGMENTATION_REPRESENTATION_MODIFIED: 'representationModified',
      },
      subscribe: (event: string, listener: (payload: unknown) => void) => {
        listeners.set(event, [...(listeners.get(event) ?? []), listener]);
        return {
          unsubscribe: () =>
            listeners.set(
              event,
              listeners.get(event)!.filter((l) => l !== listener),
            ),
        };
      },
      createLabelmapForDisplaySet: jest.fn(async (_ds: any, { label, segments }: any) => {
        const segmentationId = `new-${segmentations.length}`;
        segmentations.push({ segmentationId, label, segments } as any);
        return segmentationId;
      }),
      addSegmentationRepresentation: jest.fn(async (_vp: string, { segmentationId }: any) => {
        visible.set(segmentationId, true);
      }),
      getViewportIdsWithSegmentation: (id: string) => (visible.has(id) ? ['vp'] : []),
      addOrUpdateSegmentation: ({ segmentationId, label }: any) => {
        segmentations.find((s) => s.segmentationId === segmentationId)!.label = label;
      },
      getSegmentation: (id: string) =>
        segmentations.some((s) => s.segmentationId === id)
          ? { representationData: { Labelmap: { imageIds: [...labelmapImages.keys()] } } }
          : undefined,
      getSegmentations: () => segmentations,
      setSegmentColor: (_vp: string, _id: string, index: number, color: number[]) =>
        colors.push([index, color]),
      remove: jest.fn((id: string) => {
        visible.delete(id);
        segmentations.splice(
          segmentations.findIndex((s) => s.segmentationId === id),
          1,
        );
        emit('segmentationRemoved', { segmentationId: id });
      }),
    },
    uiNotificationService: { show: jest.fn() },
  };
  /** Source images in the viewer's cache (a test deletes one to mimic an unloaded slice). */
  const sourceImages = new Set(['img:0', 'img:1']);
  const volume = {
    volumeId: 'v',
    imageIds: ['img:0', 'img:1'],
    dimensions: [NX, NY, NZ],
    spacing: [1, 1, 2],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    loadStatus: { loaded: overrides.loaded ?? true, loading: false },
    load: jest.fn(),
  };
  const libraries = {
    cornerstone: {
      cache: {
        getVolume: () => volume,
        getImage: (id: string) =>
          labelmapImages.get(id) ??
          (sourceImages.has(id) && volume.loadStatus.loaded
            ? {
                rows: NY,
                columns: NX,
                getPixelData: () => new Int16Array(NX * NY),
                preScale: { scaled: true },
              }
            : undefined),
      },
      metaData: {
        get: (type: string, id: string) =>
          type === 'instance' && sourceImages.has(id) ? sourceHeader(Number(id.slice(4))) : undefined,
      },
      volumeLoader: { createAndCacheVolume: async () => volume },
      eventTarget: new EventTarget(),
      Enums: { Events: { IMAGE_VOLUME_LOADING_COMPLETED: 'loaded', STACK_NEW_IMAGE: 'newImage' } },
      utilities: {
        createLinearRGBTransferFunction: () => ({ removeAllPoints() {}, addRGBPoint() {} }),
        colormap: { updateOpacityMapping: jest.fn() },
      },
    },
    cornerstoneTools: {
      segmentation: {
        triggerSegmentationEvents: { triggerSegmentationDataModified: jest.fn() },
        config: {
          style: { setStyle: jest.fn() },
          visibility: {
            setSegmentationRepresentationVisibility: (_vp: string, { segmentationId }: any, shown: boolean) =>
              visible.set(segmentationId, shown),
            getSegmentationRepresentationVisibility: (_vp: string, { segmentationId }: any) =>
              visible.get(segmentationId),
          },
        },
      },
      Enums: { SegmentationRepresentations: { Labelmap: 'Labelmap' } },
    },
  };
  const extensionManager = {
    getModuleEntry: () => ({ exports: { getCornerstoneLibraries: () => libraries } }),
    getActiveDataSourceDefinition: () =>
      overrides.dataSource ?? {
        namespace: '@ohif/extension-default.dataSourcesModule.dicomjson',
        sourceName: 'dicomjson',
        configuration: { friendlyName: 'XAI-CLIP demo studies', name: 'json' },
      },
  };
  const commandsManager = {
    runCommand: jest.fn((name: string, { options }: any) =>
      name === 'generateSegmentation' ? fakeGenerateSegmentation(labelmapImages, options) : undefined,
    ),
  };
  const worker = new FakeWorker();
  const controller = new XaiClipController(
    services,
    extensionManager as any,
    commandsManager,
    () => ({
      models: [{ url: 'http://localhost/models/ct/manifest.json', modalities: ['CT'] }],
      defaults: overrides.defaults,
    }),
    () => worker as unknown as Worker,
    overrides.speeds,
  );
  return {
    controller,
    services,
    worker,
    segmentations,
    labelmapImages,
    colors,
    visible,
    emit,
    volume,
    commandsManager,
    sourceImages,
    viewport,
    actors,
    libraries,
  };
}
