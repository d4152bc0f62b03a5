import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { DicomSeriesMeta, readDicomSeries } from '../../../cli/src/io/readDicomSeries';
import { VolumeReadError } from '../../../cli/src/io/VolumeReadError';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { dataRoot } from '../../helpers/dataRoot';

// dcmjs has no type declarations; only its writer is needed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as { data: { datasetToBuffer(dataset: object): Buffer } };

const data = dataRoot();
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-dicom-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function folder(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  return dir;
}

let uid = 0;
/** Writes a tiny single-frame CT slice (3 columns × 2 rows, signed 16-bit) with dcmjs. */
function writeSlice(
  file: string,
  fields: Record<string, unknown> = {},
  pixels: ArrayBufferView = new Int16Array(6),
) {
  const dataset = {
    _meta: { TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'] } },
    _vrMap: { PixelData: 'OW' },
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: `2.25.${++uid}`,
    StudyInstanceUID: '2.25.7',
    SeriesInstanceUID: '2.25.100',
    FrameOfReferenceUID: '2.25.8',
    Modality: 'CT',
    PatientName: [{ Alphabetic: 'TEST^SYNTHETIC' }],
    PatientID: 'SYN1',
    ImagePositionPatient: [0, 0, 0],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [0.5, 0.25],
    SliceThickness: 3,
    Rows: 2,
    Columns: 3,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    RescaleSlope: 1,
    RescaleIntercept: 0,
    PixelData: [pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength)],
    ...fields,
  };
  fs.writeFileSync(file, dcmjs.data.datasetToBuffer(dataset));
}

describe('readDicomSeries on the CHAOS CT study', () => {
  let volume: Volume & { meta: DicomSeriesMeta };
  let seconds: number;
  beforeAll(async () => {
    const start = performance.now();
    volume = await readDicomSeries(path.join(data, 'chaos-ct', 'dicom'));
    seconds = (performance.now() - start) / 1000;
  });

  it('reads 78 slices of 512×512 in Hounsfield units', () => {
    expect(volume.dimensions).toEqual([512, 512, 78]);
    expect(volume.data).toBeInstanceOf(Int16Array);
    volume.spacing.forEach((v, n) => expect(v).toBeCloseTo([0.7265625, 0.7265625, 2][n], 6));
    let min = Infinity;
    let max = -Infinity;
    for (const v of volume.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBeLessThanOrEqual(-1000); // air after RescaleIntercept −1000
    expect(max).toBeGreaterThan(1000); // bone
    expect(seconds).toBeLessThan(20);
  });

  it('orders slices ascending along the normal, the reverse of the file order', () => {
    const { meta } = volume;
    expect(volume.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // The files run from z 1690.5 down to 1536.5, so slice 0 is the last file.
    expect(volume.origin).toEqual([-185, -98, 1536.5]);
    expect(path.basename(meta.sourceFiles[0])).toBe('i0077,0000b.dcm');
    expect(path.basename(meta.sourceFiles[77])).toBe('i0000,0000b.dcm');
    expect(path.isAbsolute(meta.sourceFiles[0])).toBe(true);
    expect(meta.sliceFileIndex).toEqual(Array.from({ length: 78 }, (_, k) => 77 - k));
    expect(meta.instances[0].InstanceNumber).toBe(78);
    expect(meta.instances.map((instance) => instance.ImagePositionPatient[2])).toEqual(
      Array.from({ length: 78 }, (_, k) => 1536.5 + 2 * k),
    );
    expect(meta.spacingReport.maxDeviation).toBeLessThan(1e-6);
    expect(meta.spacingReport.gaps).toEqual([]);
  });

  it('keeps the identifiers needed to write DICOM SEG', () => {
    const { meta } = volume;
    expect(meta.Modality).toBe('CT');
    expect(meta.PatientName).toBe('CHAOS^CT_SET_3');
    expect(meta.SeriesInstanceUID).toBe('1.2.840.113704.1.1762661655.11024.1129934350.12');
    expect(meta.StudyInstanceUID).toBe('1.2.124.113532.192.70.134.138.20051020.155132.4446164');
    expect(meta.FrameOfReferenceUID).toBe('1.2.840.113704.1.1762661655.11024.1129934039.3');
    expect([meta.rows, meta.columns]).toEqual([512, 512]);
    expect(meta.instances[0].SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(meta.firstSliceDataset.SOPInstanceUID).toBe(meta.instances[0].SOPInstanceUID);
    expect(meta.firstSliceDataset).not.toHaveProperty('PixelData');
    expect(new Set(meta.instances.map((instance) => instance.SOPInstanceUID)).size).toBe(78);
  });
});

describe('readDicomSeries on synthetic series', () => {
  it('sorts oblique slices along their normal, whatever the file order', async () => {
    const dir = folder('oblique');
    // Rows run along (0, 1, 0), columns along (0, 0, −1): normal (−1, 0, 0).
    const orientation = [0, 1, 0, 0, 0, -1];
    const xs = [10, 4, 7]; // positions along the normal are −10, −4, −7
    xs.forEach((x, n) =>
      writeSlice(
        path.join(dir, `slice${n}.dcm`),
        { ImagePositionPatient: [x, 5, 6], ImageOrientationPatient: orientation, InstanceNumber: n + 1 },
        Int16Array.from({ length: 6 }, (_, p) => x * 100 + p),
      ),
    );
    fs.writeFileSync(path.join(dir, 'README.txt'), 'not DICOM, skipped');
    const volume = await readDicomSeries(dir);
    expect(volume.dimensions).toEqual([3, 2, 3]);
    expect(volume.direction).toEqual([0, 1, 0, 0, 0, -1, -1, 0, 0]);
    expect(volume.origin).toEqual([10, 5, 6]);
    expect(volume.spacing).toEqual([0.25, 0.5, 3]); // PixelSpacing is [row, column] spacing
    expect(volume.meta.sliceFileIndex).toEqual([0, 2, 1]);
    expect(Array.from(volume.data.subarray(0, 6))).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
    expect(Array.from(volume.data.subarray(12, 18))).toEqual([400, 401, 402, 403, 404, 405]);
  });

  it('reads a single slice as nz = 1 with SliceThickness as spacing', async () => {
    const dir = folder('single');
    writeSlice(
      path.join(dir, 'only.dcm'),
      { ImagePositionPatient: [1, 2, 3] },
      new Int16Array([-5, 3, 100, -2000, 7, 8]),
    );
    const volume = await readDicomSeries(dir);
    expect(volume.dimensions).toEqual([3, 2, 1]);
    expect(volume.spacing).toEqual([0.25, 0.5, 3]);
    expect(Array.from(volume.data)).toEqual([-5, 3, 100, -2000, 7, 8]);
    expect(volume.meta.PatientName).toBe('TEST^SYNTHETIC');
  });

  it('switches to Float32 for fractional rescales and values beyond Int16', async () => {
    const fractional = folder('fractional');
    writeSlice(
      path.join(fractional, 'a.dcm'),
      { RescaleSlope: 0.5, RescaleIntercept: -1 },
      new Int16Array([0, 1, 2, 3, 4, 5]),
    );
    const a = await readDicomSeries(fractional);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);

    const wide = folder('wide');
    const pixels = new Uint16Array([0, 1, 40000, 65535, 2, 3]);
    writeSlice(path.join(wide, 'b.dcm'), { PixelRepresentation: 0 }, pixels);
    const b = await readDicomSeries(wide);
    expect(b.data).toBeInstanceOf(Float32Array);
    expect(Array.from(b.data)).toEqual([0, 1, 40000, 65535, 2, 3]);
  });

  it('sign-extends 12-bit signed pixels', async () => {
    const dir = folder('bits12');
    // 0x0fff is −1 in 12 bits; high bits 0xf000 hold garbage to be masked off.
    writeSlice(
      path.join(dir, 'a.dcm'),
      { BitsStored: 12, HighBit: 11 },
      new Uint16Array([0x0fff, 0xf001, 0x0800, 0x07ff, 0, 5]),
    );
    const volume = await readDicomSeries(dir);
    expect(Array.from(volume.data)).toEqual([-1, 1, -2048, 2047, 0, 5]);
  });
});

describe('readDicomSeries errors', () => {
  it('names a missing folder and a folder without DICOM', async () => {
    const missing = path.join(tmp, 'missing');
    await expect(readDicomSeries(missing)).rejects.toThrow(`DICOM folder not found: ${missing}`);
    const empty = folder('no-dicom');
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'hello');
    await expect(readDicomSeries(empty)).rejects.toThrow(`No DICOM files in ${empty}`);
  });

  it('names an unreadable .dcm file', async () => {
    const dir = folder('garbage');
    const file = path.join(dir, 'x.dcm');
    fs.writeFileSync(file, 'I am a text file, not an image.\n');
    await expect(readDicomSeries(dir)).rejects.toThrow(`Cannot read ${file} as DICOM: it has no DICM marker`);

    const truncated = folder('truncated-header');
    const broken = path.join(truncated, 'y');
    writeSlice(path.join(truncated, 'y'));
    fs.writeFileSync(broken, fs.readFileSync(broken).subarray(0, 300));
    await expect(readDicomSeries(truncated)).rejects.toThrow(`Cannot read ${broken} as DICOM:`);
  });

  it('explains that JPEG 2000 pixel data must be decompressed first', async () => {
    const dir = path.join(data, 'totalsegmentator', 'example_ct_dicom');
    const error = readDicomSeries(dir);
    await expect(error).rejects.toThrow(
      'uses transfer syntax 1.2.840.10008.1.2.4.90 (JPEG 2000 Lossless): compressed (or big-endian) pixel data is not supported',
    );
    await expect(error).rejects.toThrow('gdcmconv --raw');
  });

  it('rejects a non-image object such as a structured report', async () => {
    const dir = folder('sr');
    fs.writeFileSync(
      path.join(dir, 'report.dcm'),
      dcmjs.data.datasetToBuffer({
        _meta: { TransferSyntaxUID: { Value: ['1.2.840.10008.1.2.1'] } },
        _vrMap: {},
        SOPClassUID: '1.2.840.10008.5.1.4.1.1.88.22', // Enhanced SR
        SOPInstanceUID: '2.25.9001',
        StudyInstanceUID: '2.25.7',
        SeriesInstanceUID: '2.25.9000',
        Modality: 'SR',
      }),
    );
    await expect(readDicomSeries(dir)).rejects.toThrow(
      'is a Structured Report (SOP class 1.2.840.10008.5.1.4.1.1.88.22, modality SR), not an image. ' +
        'Pick the folder of an image series',
    );
  });

  it('lists the series when a folder holds several', async () => {
    const dir = folder('two-series');
    writeSlice(path.join(dir, 'a.dcm'), { SeriesDescription: 'arterial' });
    writeSlice(path.join(dir, 'b.dcm'), { SeriesInstanceUID: '2.25.200', SeriesDescription: 'venous' });
    writeSlice(path.join(dir, 'c.dcm'), { SeriesInstanceUID: '2.25.200', ImagePositionPatient: [0, 0, 3] });
    await expect(readDicomSeries(dir)).rejects.toThrow(
      'holds 2 DICOM series: 2.25.100 (CT arterial, 1 file); 2.25.200 (CT venous, 2 files). ' +
        'Put each series in its own folder',
    );
  });

  it('rejects slices of different sizes and slices at the same position', async () => {
    const mixed = folder('mixed');
    writeSlice(path.join(mixed, 'a.dcm'));
    writeSlice(path.join(mixed, 'b.dcm'), { Columns: 2, ImagePositionPatient: [0, 0, 3] }, new Int16Array(4));
    await expect(readDicomSeries(mixed)).rejects.toThrow('have different sizes (3×2, 2×2 columns×rows)');

    const twins = folder('twins');
    writeSlice(path.join(twins, 'a.dcm'));
    writeSlice(path.join(twins, 'b.dcm'));
    await expect(readDicomSeries(twins)).rejects.toThrow('lie at the same position');
  });
});

/** A folder of links to the CHAOS CT slices, without the files `skip` holds (indices in file order). */
function linkedChaos(name: string, skip: (index: number) => boolean = () => false): string {
  const source = path.join(data, 'chaos-ct', 'dicom');
  const dir = folder(name);
  fs.readdirSync(source)
    .sort()
    .forEach((file, index) => skip(index) || fs.symlinkSync(path.join(source, file), path.join(dir, file)));
  return dir;
}

describe('readDicomSeries refuses what it cannot read faithfully (issue 21)', () => {
  it('follows linked slices', async () => {
    const volume = await readDicomSeries(linkedChaos('linked'));
    expect(volume.dimensions).toEqual([512, 512, 78]);
    expect(volume.meta.spacingReport.meanStep).toBeCloseTo(2, 6);
  });

  it('refuses a CHAOS slice cut after its Pixel Data header (finding 1), naming the bytes found and needed', async () => {
    const dir = linkedChaos('cut', (index) => index === 5);
    const cut = path.join(dir, 'i0005,0000b.dcm');
    fs.writeFileSync(
      cut,
      fs.readFileSync(path.join(data, 'chaos-ct', 'dicom', 'i0005,0000b.dcm')).subarray(0, 262932),
    );
    const error = readDicomSeries(dir);
    await expect(error).rejects.toBeInstanceOf(VolumeReadError);
    // The Pixel Data value starts at byte 1574 of this file: 262932 − 1574 bytes are left of 512×512×2.
    await expect(error).rejects.toThrow(
      `Cannot read ${cut} as DICOM: it holds 261358 bytes of pixel data where its 512×512 16-bit pixels need 524288; ` +
        'the file is truncated (it ends at byte 262932). Remove it from the folder or replace it with an intact copy.',
    );
  });

  it('refuses a truncated synthetic slice wherever the pixels are cut', async () => {
    const dir = folder('cut-synthetic');
    const file = path.join(dir, 'a.dcm');
    writeSlice(file);
    const whole = fs.readFileSync(file);
    for (const keep of [whole.length - 1, whole.length - 6, whole.length - 12]) {
      fs.writeFileSync(file, whole.subarray(0, keep));
      await expect(readDicomSeries(dir)).rejects.toThrow(
        /as DICOM: (it holds \d+ bytes of pixel data|its Pixel Data element is missing)/,
      );
    }
  });

  it('refuses BitsStored beyond BitsAllocated (finding 9) and impossible rescales', async () => {
    const dir = folder('bits40');
    writeSlice(path.join(dir, 'a.dcm'), { BitsStored: 40, HighBit: 39 });
    await expect(readDicomSeries(dir)).rejects.toThrow(
      'has BitsStored 40 with BitsAllocated 16 (it must be 1…16), so its pixels cannot be decoded. Correct the tag',
    );
    const slope = folder('slope0');
    writeSlice(path.join(slope, 'a.dcm'), { RescaleSlope: 0 });
    await expect(readDicomSeries(slope)).rejects.toThrow('has RescaleSlope 0 and RescaleIntercept 0');
  });

  it('refuses PixelSpacing 0, negative or unreadable, and a zero or skewed orientation (finding 9)', async () => {
    for (const [name, spacing] of [
      ['zero', [0, 0.5]],
      ['negative', [-1, 1]],
      ['text', 'abc\\1'],
    ] as const) {
      const dir = folder(`spacing-${name}`);
      writeSlice(path.join(dir, 'a.dcm'), { PixelSpacing: spacing });
      await expect(readDicomSeries(dir)).rejects.toThrow(
        /has PixelSpacing (0\\0\.5|-1\\1|NaN\\1): pixel sizes must be positive/,
      );
    }
    for (const [name, orientation] of [
      ['zero', [0, 0, 0, 0, 0, 0]],
      ['skewed', [1, 0, 0, 0.7, 0.7, 0]],
    ] as const) {
      const dir = folder(`orientation-${name}`);
      writeSlice(path.join(dir, 'a.dcm'), { ImageOrientationPatient: orientation });
      writeSlice(path.join(dir, 'b.dcm'), {
        ImageOrientationPatient: orientation,
        ImagePositionPatient: [0, 0, 3],
      });
      await expect(readDicomSeries(dir)).rejects.toThrow('which is not two perpendicular unit vectors');
    }
  });

  it("turns dcmjs's raw errors into the project's words", async () => {
    const dir = folder('no-syntax');
    const file = path.join(dir, 'a.dcm');
    writeSlice(file);
    const bytes = fs.readFileSync(file);
    // Rename (0002,0010) TransferSyntaxUID to (0002,0012): dcmjs then fails with "Cannot read properties of undefined".
    const at = bytes.indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49]));
    bytes[at + 2] = 0x12;
    fs.writeFileSync(file, bytes);
    const error = (await readDicomSeries(dir).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as VolumeReadError;
    expect(error).toBeInstanceOf(VolumeReadError);
    expect(error.message).toBe(
      `Cannot read ${file} as DICOM: its header is damaged or cut short. Remove it from the folder or replace it with an intact copy.`,
    );
    expect(String((error.cause as Error).message)).toMatch(/Cannot read properties of undefined/);
  });

  it('refuses missing slices (finding 4) unless allowIrregularSpacing, and reports the steps', async () => {
    const dir = linkedChaos('gap', (index) => index >= 30 && index < 40);
    const refusal = readDicomSeries(dir);
    await expect(refusal).rejects.toThrow(
      `The slices in ${dir} are unevenly spaced: the usual step is 2 mm, but 1 step is over 1.5× that ` +
        '(22 mm between slices 37 and 38), so slices are probably missing. Stacked at the mean step of 2.299 mm, ' +
        'slices would lie up to 11.045 mm from their true positions. Add the missing slices',
    );
    await expect(refusal).rejects.toThrow('allowIrregularSpacing option (CLI: --allow-irregular-spacing)');

    const notes = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const volume = await readDicomSeries(dir, { allowIrregularSpacing: true });
      expect(volume.dimensions).toEqual([512, 512, 68]);
      const report = volume.meta.spacingReport;
      expect(report.gaps).toEqual([{ after: 37, step: 22 }]);
      expect(report.meanStep).toBeCloseTo(154 / 67, 9);
      expect(volume.spacing[2]).toBe(report.meanStep);
      expect(report.medianStep).toBe(2);
      expect(report.maxDeviation).toBeCloseTo(22 - 154 / 67, 9);
      expect(notes).toHaveBeenCalledWith(
        expect.stringMatching(/^xai-clip: note: The slices in .* are unevenly spaced/),
      );
    } finally {
      notes.mockRestore();
    }
  });

  it('reads unevenly spaced slices without gaps, reporting how uneven', async () => {
    const dir = folder('uneven');
    [0, 2, 4.5, 6].forEach((z, n) =>
      writeSlice(path.join(dir, `s${n}.dcm`), { ImagePositionPatient: [0, 0, z] }),
    );
    const { meta, spacing } = await readDicomSeries(dir);
    expect(spacing[2]).toBe(2);
    expect(meta.spacingReport).toEqual({
      meanStep: 2,
      medianStep: 2,
      minStep: 1.5,
      maxStep: 2.5,
      maxDeviation: 0.5,
      maxPositionError: 0.5,
      gaps: [],
    });
  });

  it('reads Deflated Explicit VR Little Endian, and refuses it cut short', async () => {
    const dir = folder('deflated');
    const file = path.join(dir, 'a.dcm');
    writeSlice(file, {}, new Int16Array([1, -2, 3, -4, 500, -600]));
    const plain = fs.readFileSync(file);
    // Rewrite the TransferSyntaxUID in the file meta group and deflate the data set after it.
    const metaEnd = 144 + plain.readUInt32LE(140);
    const at = plain.indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49]));
    const oldLength = plain.readUInt16LE(at + 6);
    const uid = Buffer.from('1.2.840.10008.1.2.1.99', 'latin1');
    const length = Buffer.alloc(2);
    length.writeUInt16LE(uid.length);
    const meta = Buffer.concat([
      plain.subarray(0, at + 6),
      length,
      uid,
      plain.subarray(at + 8 + oldLength, metaEnd),
    ]);
    meta.writeUInt32LE(meta.length - 144, 140);
    const deflated = Buffer.concat([meta, zlib.deflateRawSync(plain.subarray(metaEnd))]);
    fs.writeFileSync(file, deflated);
    expect(Array.from((await readDicomSeries(dir)).data)).toEqual([1, -2, 3, -4, 500, -600]);

    fs.writeFileSync(file, deflated.subarray(0, deflated.length - 3));
    await expect(readDicomSeries(dir)).rejects.toThrow(`Cannot read ${file} as DICOM:`);
  });

  it('refuses a series over the memory limit before decoding it', async () => {
    const dir = folder('limit');
    writeSlice(path.join(dir, 'a.dcm'));
    await expect(readDicomSeries(dir, { maxBytes: 40 })).rejects.toThrow(
      'would take about 4.80e-8 GB of memory (1 slices of 3×2 pixels × 8 bytes while stacking), more than the 4.00e-8 GB',
    );
  });
});
