import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { binSaliency } from '../../extension/src/engine/saliency/binSaliency';
import { DicomSeriesMeta, readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { buildSaliencySeg } from '../../cli/src/seg/buildSaliencySeg';
import { BINARY_SEG, LABELMAP_SEG } from '../../extension/src/seg/segEncodings';
import { prepareSegExport } from '../../cli/src/seg/prepareSegExport';
import { readSourceHeaders } from '../../cli/src/seg/readSourceHeaders';
import { dataRoot } from '../helpers/dataRoot';
import { dciodvfy, list, readSeg } from './helpers/readSeg';

const CHAOS_CT = path.join(dataRoot(), 'chaos-ct', 'dicom');
/** dciodvfy's only complaints about SEGs of the CHAOS CT series: the source has no Patient ID or Study Date. */
const EXPECTED_WARNINGS = [
  'Warning - Missing attribute or value that would be needed to build DICOMDIR - Patient ID',
  'Warning - Missing attribute or value that would be needed to build DICOMDIR - Study Date',
];

describe('buildSaliencySeg on the CHAOS CT series', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-seg-'));
  let meta: DicomSeriesMeta;
  let headers: Record<string, unknown>[];
  let saliency: Float32Array;
  let plane: number;

  beforeAll(async () => {
    const volume = await readDicomSeries(CHAOS_CT);
    meta = volume.meta;
    headers = await readSourceHeaders(meta);
    const [nx, ny, nz] = volume.dimensions;
    plane = nx * ny;
    // A synthetic saliency on three slices: a cone reaching every level on slice 40, a weaker
    // cone on slice 10 (lower levels only), an off-centre disc on slice 11, negative values on 12.
    saliency = new Float32Array(plane * nz);
    const cone = (k: number, ci: number, cj: number, radius: number, height: number) => {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const value = height * (1 - Math.hypot(i - ci, j - cj) / radius);
          if (value > 0) saliency[k * plane + j * nx + i] = value;
        }
      }
    };
    cone(40, 250, 200, 90, 1);
    cone(10, 300, 260, 60, 0.45);
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (Math.hypot(i - 120, j - 330) < 25) saliency[11 * plane + j * nx + i] = 0.2;
    saliency.fill(-0.5, 12 * plane, 12 * plane + 5000);
  }, 120000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** (slice, label) pairs holding voxels in the binned saliency. */
  const expectedPairs = (labels: Uint8Array) => {
    const pairs = new Set<string>();
    for (let v = 0; v < labels.length; v++) if (labels[v]) pairs.add(`${Math.floor(v / plane)}:${labels[v]}`);
    return pairs;
  };
  const sliceOf = (uid: string) => meta.instances.findIndex((instance) => instance.SOPInstanceUID === uid);

  it('writes a binary SEG that dciodvfy accepts and that reads back to the binned saliency, frame by frame', async () => {
    const seg = await buildSaliencySeg(headers, saliency, {
      method: 'occlusion',
      organ: 'right kidney',
      version: '9.8.7',
      parameters: '{"windowMm":20}',
    });
    const file = path.join(dir, 'binary.dcm');
    writeFileSync(file, new Uint8Array(seg.bytes));

    const verdict = dciodvfy(file);
    expect(verdict.errors).toEqual([]);
    expect(verdict.warnings).toEqual(EXPECTED_WARNINGS);

    const { dataset, meta: fileMeta, frames } = readSeg(file);
    expect(fileMeta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(dataset.SOPClassUID).toBe(BINARY_SEG);
    expect(dataset.Modality).toBe('SEG');
    expect(dataset.SegmentationType).toBe('BINARY');
    expect(dataset.StudyInstanceUID).toBe(meta.StudyInstanceUID);
    expect(dataset.FrameOfReferenceUID).toBe(meta.FrameOfReferenceUID);
    expect(dataset.SeriesInstanceUID).not.toBe(meta.SeriesInstanceUID);
    expect(dataset.SeriesDescription).toBe('XAI-CLIP occlusion saliency right kidney');
    expect(dataset.SoftwareVersions).toBe('XAI-CLIP 9.8.7');
    expect(dataset.Manufacturer).toBe('XAI-CLIP');

    // One segment per visible level, numbered by label, with organ codes and the algorithm.
    const { labels, lowerEdges } = binSaliency(saliency, 6);
    const segments = list(dataset.SegmentSequence);
    expect(segments.map((s) => Number(s.SegmentNumber))).toEqual([1, 2, 3, 4, 5]);
    expect(segments.map((s) => s.SegmentLabel)).toEqual(
      lowerEdges.map((edge) => `XAI-CLIP occlusion right kidney >= ${edge.toFixed(2)}`),
    );
    for (const segment of segments) {
      expect(segment.SegmentAlgorithmType).toBe('AUTOMATIC');
      expect(segment.SegmentAlgorithmName).toBe('XAI-CLIP');
      expect(String(segment.SegmentDescription)).toMatch(
        /^occlusion saliency of right kidney, level \d of 5/,
      );
      const algorithm = list(segment.SegmentationAlgorithmIdentificationSequence)[0];
      expect(algorithm).toMatchObject({ AlgorithmName: 'XAI-CLIP', AlgorithmVersion: '9.8.7' });
      expect(algorithm.AlgorithmParameters).toBe('{"windowMm":20}');
      expect(list(segment.SegmentedPropertyCategoryCodeSequence)[0]).toMatchObject({
        CodeValue: '123037004',
        CodingSchemeDesignator: 'SCT',
      });
      const type = list(segment.SegmentedPropertyTypeCodeSequence)[0];
      expect(type).toMatchObject({
        CodeValue: '64033007',
        CodingSchemeDesignator: 'SCT',
        CodeMeaning: 'Kidney',
      });
      expect(list(type.SegmentedPropertyTypeModifierCodeSequence)[0]).toMatchObject({
        CodeValue: '24028007',
      });
    }

    // Each frame: a known source image (class, instance, position) and exactly the voxels of its level.
    const seen = new Set<string>();
    for (const frame of frames) {
      const k = sliceOf(frame.sourceSopInstanceUid);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(frame.sourceSopClassUid).toBe(meta.instances[k].SOPClassUID);
      frame.position.forEach((x, c) => expect(x).toBeCloseTo(meta.instances[k].ImagePositionPatient[c], 3));
      const expected = labels
        .subarray(k * plane, (k + 1) * plane)
        .map((label) => (label === frame.segment ? 1 : 0));
      expect(Buffer.from(frame.pixels).equals(Buffer.from(expected))).toBe(true);
      seen.add(`${k}:${frame.segment}`);
    }
    expect(frames.length).toBe(seen.size);
    expect(seen).toEqual(expectedPairs(labels));
    expect([...seen].map((pair) => Number(pair.split(':')[0])).sort((a, b) => a - b)).toEqual(
      expect.arrayContaining([10, 11, 40]),
    );
    expect(seg.voxelsPerSegment.reduce((a, b) => a + b, 0)).toBe(labels.filter((l) => l > 0).length);

    // The source series, with exactly the instances the frames use.
    const series = list(dataset.ReferencedSeriesSequence);
    expect(series).toHaveLength(1);
    expect(series[0].SeriesInstanceUID).toBe(meta.SeriesInstanceUID);
    expect(
      new Set(list(series[0].ReferencedInstanceSequence).map((i) => i.ReferencedSOPInstanceUID)),
    ).toEqual(new Set(frames.map((frame) => frame.sourceSopInstanceUid)));
  }, 120000);

  it('writes a label-map SEG (…66.7) whose frames hold the labels of the slices with saliency', async () => {
    const seg = await buildSaliencySeg(headers, saliency, {
      method: 'rise',
      organ: 'liver',
      version: '0.1.0',
      type: 'labelmap',
      levels: 4,
    });
    const file = path.join(dir, 'labelmap.dcm');
    writeFileSync(file, new Uint8Array(seg.bytes));
    // dicom3tools 2022 predates the Label Map SEG IOD: it checks everything but the IOD itself.
    expect(dciodvfy(file).errors).toEqual(['Error - Information Object Not found']);

    const { dataset, frames } = readSeg(file);
    expect(dataset.SOPClassUID).toBe(LABELMAP_SEG);
    expect(dataset.SegmentationType).toBe('LABELMAP');
    expect(list(dataset.SegmentSequence).map((s) => s.SegmentLabel)).toEqual([
      'XAI-CLIP rise liver >= 0.25',
      'XAI-CLIP rise liver >= 0.50',
      'XAI-CLIP rise liver >= 0.75',
    ]);
    expect(list(list(dataset.SegmentSequence)[0].SegmentedPropertyTypeCodeSequence)[0].CodeValue).toBe(
      '10200004',
    );
    const { labels } = binSaliency(saliency, 4);
    const slices = new Set<number>();
    for (const frame of frames) {
      const k = sliceOf(frame.sourceSopInstanceUid);
      expect(k).toBeGreaterThanOrEqual(0);
      frame.position.forEach((x, c) => expect(x).toBeCloseTo(meta.instances[k].ImagePositionPatient[c], 3));
      expect(Buffer.from(frame.pixels).equals(Buffer.from(labels.subarray(k * plane, (k + 1) * plane)))).toBe(
        true,
      );
      slices.add(k);
    }
    // Slice 11's disc (0.2 of the maximum) falls below the first of 4 levels: no frame.
    expect([...slices].sort((a, b) => a - b)).toEqual([10, 40]);
    expect(new Set([...expectedPairs(labels)].map((pair) => Number(pair.split(':')[0])))).toEqual(slices);
  });

  it('keeps every level as a segment, numbered by its label, when some levels are empty', async () => {
    const twoValued = new Float32Array(saliency.length);
    twoValued.fill(1, 40 * plane + 1000, 40 * plane + 3000); // all voxels in the top level
    const seg = await buildSaliencySeg(headers, twoValued, { method: 'lime', organ: 'spleen', version: '0' });
    const file = path.join(dir, 'top-level-only.dcm');
    writeFileSync(file, new Uint8Array(seg.bytes));
    expect(dciodvfy(file).errors).toEqual([]);
    const { dataset, frames } = readSeg(file);
    expect(list(dataset.SegmentSequence)).toHaveLength(5);
    expect(frames).toHaveLength(1);
    expect(frames[0].segment).toBe(5);
    expect(sliceOf(frames[0].sourceSopInstanceUid)).toBe(40);
    expect(frames[0].pixels.reduce((a, b) => a + b, 0)).toBe(2000);
  });

  it('refuses an all-zero or negative saliency ("nothing to save") and a saliency on another grid', async () => {
    const options = { method: 'occlusion', organ: 'liver', version: '0' };
    await expect(buildSaliencySeg(headers, new Float32Array(saliency.length), options)).rejects.toThrow(
      /zero \(or negative\) everywhere: nothing to save as DICOM SEG/,
    );
    await expect(
      buildSaliencySeg(headers, new Float32Array(saliency.length).fill(-1), options),
    ).rejects.toThrow(/nothing to save/);
    await expect(buildSaliencySeg(headers, new Float32Array(100), options)).rejects.toThrow(
      /saliency has 100 voxels but the series has 78 slices of 512×512/,
    );
  });

  it('through the explain step: writes nothing for an empty saliency, and stops when the source files are gone or changed', async () => {
    // A copy of four slices of the series, to delete and tamper with.
    const copy = path.join(dir, 'series');
    mkdirSync(copy);
    for (const file of meta.sourceFiles.slice(38, 42)) cpSync(file, path.join(copy, path.basename(file)));
    const volume = await readDicomSeries(copy);
    const slab = new Float32Array(volume.data.length);
    slab.set(saliency.subarray(40 * plane, 41 * plane), 2 * plane);
    const out = path.join(dir, 'out');
    const file = path.join(out, 'seg.dcm');
    const exportSeg = prepareSegExport({ input: copy, out, seg: file }, volume)!;
    const what = { method: 'occlusion', organ: 'liver' };

    await expect(exportSeg(new Float32Array(volume.data.length), what)).rejects.toThrow(/nothing to save/);
    expect(existsSync(file)).toBe(false);

    // A file replaced by another slice of the series.
    cpSync(volume.meta.sourceFiles[1], volume.meta.sourceFiles[0]);
    await expect(exportSeg(slab, what)).rejects.toThrow(
      new RegExp(`source image .*${path.basename(volume.meta.sourceFiles[0])} changed since it was read`),
    );
    rmSync(copy, { recursive: true, force: true });
    await expect(exportSeg(slab, what)).rejects.toThrow(
      new RegExp(
        `source images of series ${volume.meta.SeriesInstanceUID} are gone: cannot read .* \\(ENOENT\\)`,
      ),
    );
    expect(existsSync(file)).toBe(false);
  });

  it('is refused up front for an input without DICOM headers (NIfTI) and for bad --seg-levels', () => {
    const volume = {
      data: new Float32Array(8),
      dimensions: [2, 2, 2],
      spacing: [1, 1, 1],
      origin: [0, 0, 0],
    };
    const nifti = { ...volume, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } as Parameters<
      typeof prepareSegExport
    >[1];
    expect(() => prepareSegExport({ input: 'ct.nii.gz', out: dir, seg: 'x.dcm' }, nifti)).toThrow(
      /input ct.nii.gz is not a DICOM series \(it is a NIfTI file\)/,
    );
    expect(prepareSegExport({ input: 'ct.nii.gz', out: dir }, nifti)).toBeUndefined();
    const dicom = { ...nifti, meta } as Parameters<typeof prepareSegExport>[1];
    expect(() => prepareSegExport({ input: CHAOS_CT, out: dir, seg: 'x.dcm', segLevels: 1 }, dicom)).toThrow(
      /--seg-levels must be a whole number from 2 to 255/,
    );
    expect(() =>
      prepareSegExport({ input: CHAOS_CT, out: dir, seg: 'x.dcm', pmap: './x.dcm' }, dicom),
    ).toThrow(/--seg and --pmap name the same file \(.\/x.dcm\); give each its own path/);
  });
});
