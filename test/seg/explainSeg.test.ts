import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { binSaliency } from '../../extension/src/engine/saliency/binSaliency';
import { readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { readNifti } from '../../cli/src/io/readNifti';
import { dataRoot } from '../helpers/dataRoot';
import { runCli as cli } from '../helpers/runCli';
import { readParametricMap } from './helpers/readParametricMap';
import { dciodvfy, list, readSeg } from './helpers/readSeg';

const root = path.join(__dirname, '..', '..');
const CHAOS_CT = path.join(dataRoot(), 'chaos-ct', 'dicom');

/** The planted test model on one CHAOS CT slice, cheap: no ROI, one 80 mm window grid. */
const explain = (input: string, out: string, ...more: string[]) =>
  cli(
    'explain',
    '--model',
    path.join(root, 'test', 'fixtures', 'models', 'planted2d.manifest.json'),
    '--input',
    input,
    '--organ',
    'organ',
    '--roi',
    'none',
    '--scope',
    'slice',
    '--slice',
    '40',
    '--window-mm',
    '80',
    '--stride-mm',
    '80',
    '--out',
    out,
    ...more,
  );

describe('xai-clip explain --seg', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-explain-seg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the saliency of a DICOM series as a binary SEG (default) and as a label map, equal to the binned saliency NIfTI', async () => {
    const binaryOut = path.join(dir, 'binary');
    const labelmapOut = path.join(dir, 'labelmap');
    const [binary, labelmap, series] = await Promise.all([
      explain(CHAOS_CT, binaryOut, '--seg', path.join(binaryOut, 'seg.dcm')),
      explain(
        CHAOS_CT,
        labelmapOut,
        '--seg',
        path.join(labelmapOut, 'seg.dcm'),
        '--seg-type',
        'labelmap',
        '--seg-levels',
        '4',
      ),
      readDicomSeries(CHAOS_CT),
    ]);
    expect(binary.stderr).toBe('');
    expect(binary.code).toBe(0);
    expect(binary.stdout).toContain(`Wrote DICOM SEG ${path.join(binaryOut, 'seg.dcm')}`);
    expect(labelmap.code).toBe(0);

    const plane = 512 * 512;
    const sliceOf = (uid: string) =>
      series.meta.instances.findIndex((instance) => instance.SOPInstanceUID === uid);
    const saliency = (await readNifti(path.join(binaryOut, 'saliency.nii.gz'))).data;

    // Binary: valid for dciodvfy; frames = (slice, level) pairs of the binned saliency, 6 levels.
    const file = path.join(binaryOut, 'seg.dcm');
    const verdict = dciodvfy(file);
    expect(verdict.errors).toEqual([]);
    expect(
      verdict.warnings.every((line) => /needed to build DICOMDIR - (Patient ID|Study Date)$/.test(line)),
    ).toBe(true);
    const { dataset, frames } = readSeg(file);
    expect(dataset.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(dataset.SeriesDescription).toBe('XAI-CLIP occlusion saliency organ');
    expect(list(dataset.SegmentSequence).map((s) => s.SegmentLabel)).toEqual(
      ['0.17', '0.33', '0.50', '0.67', '0.83'].map((edge) => `XAI-CLIP occlusion organ >= ${edge}`),
    );
    const parameters = JSON.parse(
      String(
        list(list(dataset.SegmentSequence)[0].SegmentationAlgorithmIdentificationSequence)[0]
          .AlgorithmParameters,
      ),
    );
    // segParameters of the run's report: what the viewer writes for the same run.
    expect(parameters).toEqual({
      model: 'planted-2d',
      windowMm: 80,
      strideMm: 80,
      roi: 'none',
      scope: 'slice',
      slices: [40],
    });
    const { labels } = binSaliency(saliency, 6);
    const pairs = new Set<string>();
    for (let v = 0; v < labels.length; v++) if (labels[v]) pairs.add(`${Math.floor(v / plane)}:${labels[v]}`);
    expect(frames.map((frame) => `${sliceOf(frame.sourceSopInstanceUid)}:${frame.segment}`).sort()).toEqual(
      [...pairs].sort(),
    );
    for (const frame of frames) {
      const k = sliceOf(frame.sourceSopInstanceUid);
      expect(k).toBe(40);
      const expected = labels
        .subarray(k * plane, (k + 1) * plane)
        .map((label) => (label === frame.segment ? 1 : 0));
      expect(Buffer.from(frame.pixels).equals(Buffer.from(expected))).toBe(true);
    }
    const report = JSON.parse(readFileSync(path.join(binaryOut, 'report.json'), 'utf8'));
    expect(report.seg).toMatchObject({
      path: file,
      type: 'binary',
      referencedSeriesInstanceUid: series.meta.SeriesInstanceUID,
      studyInstanceUid: series.meta.StudyInstanceUID,
      frames: frames.length,
    });

    // Label map with 4 levels: one frame per slice holding saliency, pixel = level.
    const map = readSeg(path.join(labelmapOut, 'seg.dcm'));
    expect(map.dataset.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.7');
    expect(list(map.dataset.SegmentSequence)).toHaveLength(3);
    const levels4 = binSaliency((await readNifti(path.join(labelmapOut, 'saliency.nii.gz'))).data, 4).labels;
    expect(map.frames.map((frame) => sliceOf(frame.sourceSopInstanceUid))).toEqual([40]);
    expect(
      Buffer.from(map.frames[0].pixels).equals(Buffer.from(levels4.subarray(40 * plane, 41 * plane))),
    ).toBe(true);
  }, 120000);

  it('--pmap writes the saliency as a Parametric Map that dciodvfy accepts and pydicom reads back to the saliency NIfTI exactly', async () => {
    const out = path.join(dir, 'pmap');
    const file = path.join(out, 'saliency.pmap.dcm');
    const [result, series] = await Promise.all([
      explain(CHAOS_CT, out, '--pmap', file, '--json'),
      readDicomSeries(CHAOS_CT),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(out, 'saliency.seg.dcm'))).toBe(false); // --pmap alone writes no SEG
    expect(dciodvfy(file).errors).toEqual([]);
    const saliency = (await readNifti(path.join(out, 'saliency.nii.gz'))).data;
    const { read, pixels } = readParametricMap(file);
    const plane = series.dimensions[0] * series.dimensions[1];
    const sliceOf = new Map(series.meta.instances.map((instance, k) => [instance.SOPInstanceUID, k]));
    let maxDelta = 0;
    read.frames.forEach((frame, f) => {
      const k = sliceOf.get(frame.source)!;
      for (let p = 0; p < plane; p++)
        maxDelta = Math.max(maxDelta, Math.abs(pixels[f * plane + p] - saliency[k * plane + p]));
    });
    expect(read.frames).toHaveLength(series.meta.instances.length);
    expect(maxDelta).toBe(0);
    let max = -Infinity;
    for (const value of saliency) max = Math.max(max, value);
    expect(max).toBeGreaterThan(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.pmap).toMatchObject({
      path: file,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.30',
      seriesInstanceUid: read.seriesInstanceUid,
      referencedSeriesInstanceUid: series.meta.SeriesInstanceUID,
      frames: series.meta.instances.length,
      max,
    });
    expect(report.seg).toBeUndefined();
    // The algorithm's parameters are the run's, as in the SEG.
    expect(JSON.parse(read.mapping.quantity.find((q) => q.name.value === '111002')!.text!)).toMatchObject({
      windowMm: 80,
      strideMm: 80,
      scope: 'slice',
    });
  }, 120000);

  it('stops before explaining when the input is NIfTI, with a clear message and no files', async () => {
    const out = path.join(dir, 'nifti');
    const nifti = path.join(dataRoot(), 'chaos-mr-t2', 'image_1.nii.gz');
    const result = await explain(nifti, out, '--seg', path.join(out, 'seg.dcm'));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `xai-clip: --seg/--pmap/--stow write DICOM objects, which must reference the DICOM images they describe, but the input ${nifti} ` +
        'is not a DICOM series (it is a NIfTI file). Run explain on the DICOM series folder instead, or leave out --seg/--pmap/--stow.\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});
