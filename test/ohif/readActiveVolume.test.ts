import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { writeDicomSeries } from '../../cli/src/io/writeDicomSeries';
import { reorientVolume } from '../../extension/src/engine/volume/reorient';
import { Volume } from '../../extension/src/engine/volume/Volume';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { CornerstoneLibraries, Services } from '../../extension/src/ohif/ohifTypes';
import { readActiveVolume, SeriesLoadingError } from '../../extension/src/ohif/readActiveVolume';

/* eslint-disable @typescript-eslint/no-explicit-any */

const NX = 5;
const NY = 4;

/**
 * A viewer holding the series in `folder` as OHIF would: the 'instance' headers of the files,
 * and images decoded the way cornerstone's loader does: each to the smallest type its own
 * values fit (an all-zero slice becomes Uint8), pre-scaled to modality values or not.
 */
function viewerOf(folder: string, { prescaled = true, loaded = true } = {}) {
  const dcmjs = require('dcmjs'); // eslint-disable-line @typescript-eslint/no-require-imports
  const files = fs.readdirSync(folder).sort();
  const imageIds = files.map((name) => `dicomweb:${name}`);
  const headers = new Map<string, any>();
  const images = new Map<string, any>();
  files.forEach((name, n) => {
    const bytes = fs.readFileSync(path.join(folder, name));
    const message = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    );
    const header = dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict);
    headers.set(imageIds[n], header);
    const stored =
      header.PixelRepresentation === 1
        ? new Int16Array(header.PixelData[0])
        : new Uint16Array(header.PixelData[0]);
    const values = Array.from(stored, (v) =>
      prescaled ? v * header.RescaleSlope + header.RescaleIntercept : v,
    );
    const max = Math.max(...values);
    const min = Math.min(...values);
    const Type = min >= 0 && max < 256 ? Uint8Array : min < 0 ? Int16Array : Uint16Array;
    images.set(imageIds[n], {
      rows: header.Rows,
      columns: header.Columns,
      getPixelData: () => Type.from(values),
      preScale: { scaled: prescaled },
    });
  });
  const viewport = {
    type: 'stack',
    id: 'vp',
    getImageIds: () => imageIds,
    getCurrentImageId: () => imageIds[1],
    render() {},
  };
  const services = {
    viewportGridService: {
      getActiveViewportId: () => 'vp',
      getState: () => ({ viewports: new Map([['vp', { displaySetInstanceUIDs: ['ds'] }]]) }),
    },
    displaySetService: { getDisplaySetByUID: () => ({ displaySetInstanceUID: 'ds', Modality: 'CT' }) },
    cornerstoneViewportService: { getCornerstoneViewport: () => viewport },
  } as unknown as Services;
  const libraries = {
    cornerstone: {
      cache: { getImage: (id: string) => (loaded ? images.get(id) : undefined), getVolume: () => undefined },
      metaData: { get: (type: string, id: string) => (type === 'instance' ? headers.get(id) : undefined) },
    },
  } as unknown as CornerstoneLibraries;
  return { services, libraries, imageIds };
}

/** Slice 0 all zeros (cornerstone decodes it as Uint8), the others above 255 HU: the MR demo's wrap trap. */
function trapVolume(direction: number[]): Volume {
  const data = new Int16Array(NX * NY * 3);
  for (let v = NX * NY; v < data.length; v++) data[v] = 200 + 37 * (v % 23) - (v % 7 === 0 ? 1100 : 0);
  return createVolume(data, [NX, NY, 3], { spacing: [0.7, 1.3, 2.5], origin: [-10, 20, 30], direction });
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let v = 0; v < a.length; v++) worst = Math.max(worst, Math.abs(a[v] - b[v]));
  return worst;
};

describe('readActiveVolume: the viewer reads the voxels and geometry the CLI reads', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-viewer-read-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([
    ['LPS', true],
    ['RAS', true],
    ['LAS', false],
    ['PLI', false],
  ])('series stored %s (pre-scaled: %s) gives the CLI volume exactly', async (code, prescaled) => {
    const folder = path.join(root, `${code}-${prescaled}`);
    writeDicomSeries(folder, reorientVolume(trapVolume([1, 0, 0, 0, 1, 0, 0, 0, 1]), code), {
      modality: 'CT',
      patientName: 'TEST',
      patientId: 'T',
      studyDescription: 'geometry',
      seriesDescription: code,
      uidSeed: `${code}-${prescaled}`,
    });
    const cli = await readDicomSeries(folder);
    const { services, libraries, imageIds } = viewerOf(folder, { prescaled });
    const viewer = readActiveVolume(services, libraries);
    expect(viewer.volume.data.constructor).toBe(cli.data.constructor);
    expect(maxAbsDiff(viewer.volume.data, cli.data)).toBe(0);
    expect(viewer.volume.dimensions).toEqual(cli.dimensions);
    expect(maxAbsDiff(viewer.volume.spacing, cli.spacing)).toBeLessThan(1e-9);
    expect(maxAbsDiff(viewer.volume.origin, cli.origin)).toBeLessThan(1e-9);
    expect(maxAbsDiff(viewer.volume.direction, cli.direction)).toBeLessThan(1e-9);
    // Slice k of the volume is the image the CLI put at k, and the current slice is found in that order.
    expect(viewer.imageIds.map((id) => id.replace('dicomweb:', path.join(folder, '/')))).toEqual(
      cli.meta.sourceFiles,
    );
    expect(viewer.currentSlice).toBe(viewer.imageIds.indexOf(imageIds[1]));
  });

  it('keeps values above 255 although the first slice decodes as Uint8', async () => {
    const folder = path.join(root, 'trap');
    writeDicomSeries(folder, trapVolume([1, 0, 0, 0, 1, 0, 0, 0, 1]), {
      modality: 'MR',
      patientName: 'TEST',
      patientId: 'T',
      studyDescription: 'trap',
      seriesDescription: 'trap',
      uidSeed: 'trap',
    });
    const { services, libraries } = viewerOf(folder);
    const { volume } = readActiveVolume(services, libraries);
    expect(Math.max(...Array.from(volume.data))).toBeGreaterThan(255);
  });

  it('asks to wait while images are not decoded yet', () => {
    const folder = path.join(root, 'trap');
    const { services, libraries } = viewerOf(folder, { loaded: false });
    expect(() => readActiveVolume(services, libraries)).toThrow(SeriesLoadingError);
  });
});
