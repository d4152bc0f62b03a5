import { NX, NY, NZ, setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

// dcmjs has no type declarations; these are the members used to read the saved SEG back.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { meta: object; dict: object } };
    DicomMetaDictionary: { naturalizeDataset(dataset: object): Record<string, any> };
  };
};

const ORTHANC = {
  namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
  sourceName: 'orthanc',
  configuration: { friendlyName: 'Local Orthanc', qidoRoot: '/dicom-web', wadoRoot: '/dicom-web' },
};

/** The files "downloaded" through Blob URLs: name and bytes. */
let downloads: { name: string; bytes: Promise<ArrayBuffer> }[];
/** QIDO-RS / STOW-RS requests, and the PACS that answers them (by default: holds the series, stores). */
let requests: { url: string; method: string }[];
let pacs: (method: string) => Response | Promise<Response>;
const healthyPacs = (method: string) =>
  method === 'POST'
    ? new Response(JSON.stringify({}), { status: 200 })
    : new Response(JSON.stringify([{ '0020000E': { Value: ['s'] } }]), { status: 200 });

beforeAll(() => {
  (globalThis as any).location = { href: 'http://localhost:3000/xai-clip/orthanc?StudyInstanceUIDs=t' };
});

beforeEach(() => {
  downloads = [];
  requests = [];
  pacs = healthyPacs;
  // downloadFile revokes its Blob URL a minute later; that timer would keep jest alive.
  const realSetTimeout = setTimeout;
  jest
    .spyOn(globalThis, 'setTimeout')
    .mockImplementation(((callback: () => void, ms?: number) =>
      (ms ?? 0) >= 60000 ? 0 : realSetTimeout(callback, ms)) as unknown as typeof setTimeout);
  const blobs = new Map<string, Blob>();
  jest.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    const url = `blob:${blobs.size}`;
    blobs.set(url, blob as Blob);
    return url;
  });
  (globalThis as any).document = {
    body: { appendChild() {} },
    createElement: () => {
      const link: any = { style: {}, remove() {} };
      link.click = () => downloads.push({ name: link.download, bytes: blobs.get(link.href)!.arrayBuffer() });
      return link;
    },
  };
  (globalThis as any).fetch = jest.fn(async (url: string, init: RequestInit = {}) => {
    requests.push({ url, method: init.method ?? 'GET' });
    return pacs(init.method ?? 'GET');
  });
});

afterEach(() => jest.restoreAllMocks());

/** The panel saves a Parametric Map by default; these tests ask for the SEG of the levels. */
const SEG = { segContent: 'saliency' } as const;

async function readBack(download: { bytes: Promise<ArrayBuffer> }) {
  const message = dcmjs.data.DicomMessage.readFile(await download.bytes);
  return {
    dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict),
    meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.meta),
  };
}

describe('Save as DICOM SEG (host glue with plain-object services)', () => {
  it('builds a binary SEG with the host command, completes it with our segments and downloads it; dicomjson cannot store', async () => {
    const { controller, commandsManager } = setup();
    await controller.explain({ organ: 'liver', levels: 4 });
    const result = await controller.saveSeg(SEG);
    expect(commandsManager.runCommand).toHaveBeenCalledWith('generateSegmentation', {
      segmentationId: controller.store.state.overlay!.segmentationId,
      options: expect.objectContaining({
        sopClassUID: '1.2.840.10008.5.1.4.1.1.66.4',
        transferSyntaxUID: '1.2.840.10008.1.2.1',
        SeriesDescription: 'XAI-CLIP occlusion saliency liver',
      }),
    });
    expect(result).toMatchObject({ stored: false, fileName: 'XAI-CLIP_occlusion_saliency_liver.seg.dcm' });
    expect(downloads.map((d) => d.name)).toEqual(['XAI-CLIP_occlusion_saliency_liver.seg.dcm']);
    expect(requests).toEqual([]);
    expect(controller.store.state).toMatchObject({ saving: false, messageTone: 'success' });
    expect(controller.store.state.messageDetails).toMatch(
      /downloaded it as XAI-CLIP_occlusion_saliency_liver\.seg\.dcm/,
    );
    expect(controller.store.state.messageDetails).toMatch(
      /"XAI-CLIP demo studies" \(dicomjson\) is not a DICOMweb server/,
    );

    const { dataset, meta } = await readBack(downloads[0]);
    expect(meta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(dataset.ContentLabel).toBe('SALIENCY');
    const segments = dataset.SegmentSequence as any[];
    expect(segments.map((s) => s.SegmentLabel)).toEqual([
      'XAI-CLIP occlusion liver >= 0.25',
      'XAI-CLIP occlusion liver >= 0.50',
      'XAI-CLIP occlusion liver >= 0.75',
    ]);
    expect(segments[2]).toMatchObject({
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: 'XAI-CLIP',
      SegmentedPropertyTypeCodeSequence: [expect.objectContaining({ CodeValue: '10200004' })],
    });
    const parameters = JSON.parse(
      segments[0].SegmentationAlgorithmIdentificationSequence[0].AlgorithmParameters,
    );
    expect(parameters).toMatchObject({
      roi: 'clip',
      scope: 'slice',
      slices: [1],
      windowMm: 20,
      strideMm: 10,
    });
    // Voxels 5 (level 3) and 6 (level 2) of slice 1 (img:1) make two frames, both on that image.
    const frames = dataset.PerFrameFunctionalGroupsSequence as any[];
    expect(frames.map((f) => f.DerivationImageSequence[0].SourceImageSequence[0])).toEqual([
      expect.objectContaining({
        ReferencedSOPInstanceUID: '1.2.3.1',
        ReferencedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      }),
      expect.objectContaining({ ReferencedSOPInstanceUID: '1.2.3.1' }),
    ]);
    expect(dataset.ReferencedSeriesSequence[0]).toMatchObject({ SeriesInstanceUID: '1.2.3.100' });
  });

  it('stores with STOW-RS in the active DICOMweb source after checking that it holds the source series', async () => {
    const { controller } = setup({ dataSource: ORTHANC });
    await controller.explain();
    const result = await controller.saveSeg(SEG);
    expect(result).toMatchObject({ stored: true, target: { root: 'http://localhost:3000/dicom-web' } });
    expect(requests).toEqual([
      { url: 'http://localhost:3000/dicom-web/studies/t/series?SeriesInstanceUID=s', method: 'GET' },
      { url: 'http://localhost:3000/dicom-web/studies', method: 'POST' },
    ]);
    expect(downloads).toHaveLength(1);
    expect(controller.store.state.messageTone).toBe('success');
    expect(controller.store.state.message).toBe('SEG downloaded and stored in Local Orthanc.');
    expect(controller.store.state.messageDetails).toMatch(
      /Stored in Local Orthanc \(http:\/\/localhost:3000\/dicom-web\)\.$/,
    );
  });

  it.each([
    [
      'the PACS is down',
      () => Promise.reject(new TypeError('fetch failed')),
      /Cannot reach the DICOMweb server at http:\/\/localhost:3000\/dicom-web \(fetch failed\)/,
    ],
    [
      'the PACS rejects the SEG',
      (method: string) =>
        method === 'POST'
          ? new Response('Bad file format', { status: 400, statusText: 'Bad Request' })
          : healthyPacs(method),
      /rejected the SEG: HTTP 400 Bad Request .*Server said: Bad file format/,
    ],
  ])(
    'reports a failed store when %s, keeps the overlay and the download, and can retry',
    async (_, failing, why) => {
      const { controller, segmentations } = setup({ dataSource: ORTHANC });
      await controller.explain();
      pacs = failing;
      const before = segmentations.map((s) => s.label);
      const result = await controller.saveSeg(SEG);
      expect(result).toMatchObject({ stored: false, storeError: expect.stringMatching(why) });
      expect(controller.store.state).toMatchObject({ status: 'done', saving: false, messageTone: 'error' });
      expect(controller.store.state.message).toBe(
        'SEG downloaded, but storing it in Local Orthanc failed: click Save to try again.',
      );
      expect(controller.store.state.messageDetails).toMatch(/Storing it in Local Orthanc failed: /);
      expect(controller.store.state.messageDetails).toMatch(/The overlay is kept: click Save to try again/);
      expect(downloads).toHaveLength(1);
      expect(segmentations.map((s) => s.label)).toEqual(before);
      expect(controller.store.state.overlay).toBeDefined();
      pacs = healthyPacs;
      expect(await controller.saveSeg(SEG)).toMatchObject({ stored: true });
      expect(controller.store.state.messageTone).toBe('success');
    },
  );

  it('saves the predicted organ mask as a label-map SEG, adding its overlay', async () => {
    const { controller, commandsManager, segmentations } = setup();
    await controller.explain();
    await controller.saveSeg({ segContent: 'organ', segType: 'labelmap' });
    expect(segmentations.map((s) => s.label)).toContainEqual(expect.stringMatching(/ · predicted liver$/));
    expect(commandsManager.runCommand).toHaveBeenCalledWith('generateSegmentation', {
      segmentationId: controller.store.state.organOverlay,
      options: expect.objectContaining({
        sopClassUID: '1.2.840.10008.5.1.4.1.1.66.7',
        SeriesDescription: 'XAI-CLIP predicted liver',
      }),
    });
    const { dataset } = await readBack(downloads[0]);
    expect(dataset.ContentLabel).toBe('ORGAN');
    expect((dataset.SegmentSequence as any[]).map((s) => s.SegmentLabel)).toEqual([
      'XAI-CLIP predicted liver',
    ]);
  });

  it('saves the top-k % mask as a SEG from a labelmap added for the save only, then removed', async () => {
    const { controller, commandsManager, segmentations } = setup();
    await controller.explain({ organ: 'liver' });
    const before = segmentations.map((s) => s.label);
    const result = await controller.saveSeg({ segContent: 'topk', segTopPercent: 10 });
    expect(result).toMatchObject({ kind: 'seg', fileName: 'XAI-CLIP_top_10_occlusion_liver.seg.dcm' });
    const call = (commandsManager.runCommand as jest.Mock).mock.calls.find(
      ([name]) => name === 'generateSegmentation',
    );
    expect(call[1].segmentationId).not.toBe(controller.store.state.overlay!.segmentationId);
    expect(segmentations.map((s) => s.label)).toEqual(before); // the temporary labelmap is gone
    const { dataset } = await readBack(downloads[0]);
    expect(dataset.ContentLabel).toBe('SALIENCY_TOP');
    expect((dataset.SegmentSequence as any[]).map((s) => s.SegmentLabel)).toEqual([
      'XAI-CLIP top 10 % occlusion liver',
    ]);
  });

  it('refuses a top-k % outside (0, 100] before adding anything', async () => {
    const { controller, segmentations } = setup();
    await controller.explain();
    const before = segmentations.map((s) => s.label);
    expect(await controller.saveSeg({ segContent: 'topk', segTopPercent: 0 })).toBeUndefined();
    expect(controller.store.state.message).toMatch(
      /Top % must be a percentage above 0 and at most 100, got 0/,
    );
    expect(segmentations.map((s) => s.label)).toEqual(before);
    expect(downloads).toEqual([]);
  });

  it.each([
    ['there is no result yet', async () => undefined, /no XAI-CLIP result to save yet: click Explain first/],
    [
      'the saliency is zero everywhere',
      async (controller: any, worker: any) => {
        const respond = worker.respond;
        worker.respond = (request: any) =>
          respond(request).map((m: any) =>
            m.type === 'result' ? { ...m, saliency: new Float32Array(NX * NY * NZ) } : m,
          );
        await controller.explain();
      },
      /saliency is zero everywhere: nothing to save as DICOM SEG, and no file was written/,
    ],
    [
      'a source image is not loaded',
      async (controller: any, _worker: any, sourceImages: Set<string>) => {
        await controller.explain();
        sourceImages.delete('img:0');
      },
      /1 of the 2 source images of this series are not loaded.*Scroll through the series/,
    ],
  ])('refuses when %s: a clear message, no file, no store', async (_, prepare, message) => {
    const { controller, worker, sourceImages } = setup({ dataSource: ORTHANC });
    await prepare(controller, worker, sourceImages);
    expect(await controller.saveSeg(SEG)).toBeUndefined();
    expect(controller.store.state).toMatchObject({ saving: false, messageTone: 'error' });
    expect(controller.store.state.message).toMatch(message);
    expect(downloads).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe("Save as DICOM Parametric Map (the panel's default)", () => {
  it('writes the continuous saliency, exact, one frame per image ascending along the normal, and stores it', async () => {
    const { controller, commandsManager } = setup({ dataSource: ORTHANC });
    await controller.explain({ organ: 'liver' });
    const result = await controller.saveSeg();
    expect(commandsManager.runCommand).not.toHaveBeenCalledWith('generateSegmentation', expect.anything());
    expect(result).toMatchObject({
      kind: 'pmap',
      stored: true,
      fileName: 'XAI-CLIP_occlusion_saliency_map_liver.pmap.dcm',
      frames: NZ,
    });
    expect(requests.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(controller.store.state.messageTone).toBe('success');
    expect(controller.store.state.messageDetails).toMatch(
      /^Saved "XAI-CLIP occlusion saliency map liver" as a DICOM Parametric Map \(2 float32 frames\) and downloaded it as .*\.pmap\.dcm\. Stored in Local Orthanc/,
    );

    const { dataset } = await readBack(downloads[0]);
    expect(dataset.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.30');
    const saliency = controller.lastResult()!.saliency;
    const pixels = new Float32Array(dataset.FloatPixelData[0]);
    // img:k sits at z = 2k: frame f is slice f, and holds its values bit for bit.
    expect(Array.from(pixels)).toEqual(Array.from(saliency));
    expect(
      (dataset.PerFrameFunctionalGroupsSequence as any[]).map(
        (f) => f.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID,
      ),
    ).toEqual(['1.2.3.0', '1.2.3.1']);
    const parameters = (
      dataset.SharedFunctionalGroupsSequence[0].RealWorldValueMappingSequence[0]
        .QuantityDefinitionSequence as any[]
    ).find((item) => item.ConceptNameCodeSequence[0].CodeValue === '111002');
    expect(JSON.parse(parameters.TextValue)).toMatchObject({ roi: 'clip', scope: 'slice', slices: [1] });
  });

  it('refuses an all-zero saliency with what to do, writing and storing nothing', async () => {
    const { controller, worker } = setup({ dataSource: ORTHANC });
    const respond = worker.respond;
    worker.respond = (request: any) =>
      respond(request).map((m: any) =>
        m.type === 'result' ? { ...m, saliency: new Float32Array(NX * NY * NZ) } : m,
      );
    await controller.explain();
    expect(await controller.saveSeg()).toBeUndefined();
    expect(controller.store.state.message).toMatch(
      /saliency is zero everywhere: nothing to save as a Parametric Map, and no file was written/,
    );
    expect(downloads).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('says a save once: in the panel while one is shown, else as a notification', async () => {
    const { controller, services } = setup({ dataSource: ORTHANC });
    await controller.explain();
    const detach = controller.attachPanel();
    await controller.saveSeg();
    expect(controller.store.state.message).toBe('Parametric Map downloaded and stored in Local Orthanc.');
    expect(services.uiNotificationService.show).not.toHaveBeenCalled();
    detach();
    await controller.saveSeg();
    expect(services.uiNotificationService.show).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'success',
        message: 'Parametric Map downloaded and stored in Local Orthanc.',
      }),
    );
    // A later message drops the earlier one's details.
    controller.store.set({ message: 'Something else.' });
    expect(controller.store.state.messageDetails).toBeUndefined();
  });
});
