import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { DicomSeriesMeta, readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { readSourceHeaders } from '../../cli/src/seg/readSourceHeaders';
import {
  buildSaliencyParametricMap,
  PARAMETRIC_MAP,
} from '../../extension/src/seg/buildSaliencyParametricMap';
import { distancesAlongNormal } from '../../extension/src/seg/descendingAlongNormal';
import { dataRoot } from '../helpers/dataRoot';
import { readParametricMap } from './helpers/readParametricMap';
import { dciodvfy } from './helpers/readSeg';

const CHAOS_CT = path.join(dataRoot(), 'chaos-ct', 'dicom');
/**
 * dciodvfy's only complaints about a Parametric Map of the CHAOS CT: the source has no Patient ID,
 * Study Date or Laterality (the map copies the series' empty Laterality, Type 2C).
 */
const EXPECTED_WARNINGS = [
  'Warning - Missing attribute or value that would be needed to build DICOMDIR - Patient ID',
  'Warning - Missing attribute or value that would be needed to build DICOMDIR - Study Date',
  'Warning - is only permitted to be empty when actually unknown; should be absent (not empty) if an unpaired body part, and have a value if a paired body part - attribute <Laterality>',
];

describe('buildSaliencyParametricMap on the CHAOS CT series', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-pmap-'));
  let meta: DicomSeriesMeta;
  let headers: Record<string, unknown>[];
  let saliency: Float32Array;
  let plane: number;

  beforeAll(async () => {
    const volume = await readDicomSeries(CHAOS_CT);
    meta = volume.meta;
    headers = await readSourceHeaders(meta);
    plane = volume.dimensions[0] * volume.dimensions[1];
    // Values no binning keeps: tiny, negative, irrational, on a few slices, the rest 0.
    saliency = new Float32Array(volume.data.length);
    for (const k of [3, 40, 41, 77]) {
      for (let p = 0; p < plane; p += 7) saliency[k * plane + p] = Math.sin(p + k) * 1e-3 * (k + 1);
    }
    saliency[40 * plane + 12345] = -0.25;
    saliency[41 * plane + 777] = Math.PI;
  }, 120000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a map that dciodvfy accepts and pydicom reads back to the exact float values, slice by slice', async () => {
    const pmap = await buildSaliencyParametricMap(headers, saliency, {
      method: 'occlusion',
      organ: 'liver',
      version: '9.8.7',
      parameters: '{"windowMm":20}',
    });
    const file = path.join(dir, 'pmap.dcm');
    writeFileSync(file, new Uint8Array(pmap.bytes));

    const verdict = dciodvfy(file);
    expect(verdict.errors).toEqual([]);
    expect(verdict.warnings).toEqual(EXPECTED_WARNINGS);

    const { read, pixels } = readParametricMap(file);
    expect(read.sopClassUid).toBe(PARAMETRIC_MAP);
    expect(read.dtype).toBe('float32');
    expect(read.shape).toEqual([meta.instances.length, Number(headers[0].Rows), Number(headers[0].Columns)]);

    // Every slice is a frame (OHIF copies the frames into the source volume in order), each
    // referencing its source image at the source's position; values equal to the last bit.
    const sliceOf = new Map(meta.instances.map((instance, k) => [instance.SOPInstanceUID, k]));
    let maxDelta = 0;
    const seen = new Set<number>();
    read.frames.forEach((frame, f) => {
      const k = sliceOf.get(frame.source)!;
      expect(k).toBeGreaterThanOrEqual(0);
      seen.add(k);
      frame.position.forEach((x, c) => expect(x).toBeCloseTo(meta.instances[k].ImagePositionPatient[c], 4));
      expect(frame.index).toEqual([f + 1]);
      for (let p = 0; p < plane; p++) {
        maxDelta = Math.max(maxDelta, Math.abs(pixels[f * plane + p] - saliency[k * plane + p]));
      }
    });
    expect(seen.size).toBe(meta.instances.length);
    expect(maxDelta).toBe(0);

    // Frames ascend along the slice normal: cornerstone3D's volume order.
    const distance = distancesAlongNormal(headers);
    const frameDistances = read.frames.map((frame) => distance[sliceOf.get(frame.source)!]);
    expect(frameDistances).toEqual([...frameDistances].sort((a, b) => a - b));

    expect(read.orientation).toEqual((headers[0].ImageOrientationPatient as number[]).map(Number));
    expect(read.pixelSpacing).toEqual((headers[0].PixelSpacing as number[]).map(Number));
    expect(read.referencedSeries).toBe(meta.SeriesInstanceUID);
    expect(new Set(read.referencedInstances)).toEqual(new Set(meta.instances.map((i) => i.SOPInstanceUID)));
    expect(read.studyInstanceUid).toBe(meta.StudyInstanceUID);
    expect(read.frameOfReferenceUid).toBe(meta.FrameOfReferenceUID);
    expect(read.seriesInstanceUid).not.toBe(meta.SeriesInstanceUID);
    expect(read.contentLabel).toBe('SALIENCY');
    expect(read.seriesDescription).toBe('XAI-CLIP occlusion saliency map liver');

    // Identity mapping over the map's range, no units, quantity Saliency of the liver, the algorithm.
    expect(read.mapping).toMatchObject({
      first: -0.25,
      last: Math.fround(Math.PI),
      slope: 1,
      intercept: 0,
      label: 'SALIENCY',
      unit: { value: '1', scheme: 'UCUM' },
    });
    expect(pmap).toMatchObject({ min: -0.25, max: Math.fround(Math.PI), frames: meta.instances.length });
    expect(read.mapping.quantity).toEqual([
      {
        name: expect.objectContaining({ value: '246205007' }),
        type: 'CODE',
        code: expect.objectContaining({ value: '130404', scheme: 'DCM', meaning: 'Saliency' }),
      },
      {
        name: expect.objectContaining({ value: '363698007' }),
        type: 'CODE',
        code: expect.objectContaining({ value: '10200004', meaning: 'Liver' }),
      },
      { name: expect.objectContaining({ value: '111001' }), type: 'TEXT', text: 'XAI-CLIP occlusion' },
      { name: expect.objectContaining({ value: '111003' }), type: 'TEXT', text: '9.8.7' },
      { name: expect.objectContaining({ value: '111002' }), type: 'TEXT', text: '{"windowMm":20}' },
    ]);
  }, 120000);

  it('takes the slices in any order: the frames follow the geometry, not the order given', async () => {
    const reversed = headers.slice().reverse();
    const flipped = new Float32Array(saliency.length);
    const n = headers.length;
    for (let k = 0; k < n; k++)
      flipped.set(saliency.subarray(k * plane, (k + 1) * plane), (n - 1 - k) * plane);
    const [a, b] = await Promise.all([
      buildSaliencyParametricMap(headers, saliency, { method: 'rise', organ: 'liver', version: '0' }),
      buildSaliencyParametricMap(reversed, flipped, { method: 'rise', organ: 'liver', version: '0' }),
    ]);
    const pixelsOf = (pmap: typeof a) => new Uint8Array((pmap.dataset.FloatPixelData as ArrayBuffer[])[0]);
    expect(Buffer.from(pixelsOf(a)).equals(Buffer.from(pixelsOf(b)))).toBe(true);
  }, 120000);

  it('refuses a saliency off the series grid or with a value that is not finite, saying what to do', async () => {
    const what = { method: 'occlusion', organ: 'liver', version: '0' };
    await expect(buildSaliencyParametricMap(headers, new Float32Array(10), what)).rejects.toThrow(
      /The saliency has 10 voxels but the series has 78 slices of 512×512; a Parametric Map can only be written on the grid/,
    );
    const broken = saliency.slice();
    broken[40 * plane + 3] = NaN;
    await expect(buildSaliencyParametricMap(headers, broken, what)).rejects.toThrow(
      /not a finite number \(NaN\) at voxel .*nothing was written/,
    );
    await expect(buildSaliencyParametricMap([], saliency, what)).rejects.toThrow(/needs the source series/);
  });
});
