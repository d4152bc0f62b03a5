import * as fs from 'fs';
import * as nodePath from 'path';
import { numbers, placementOf, stackSlices, Vec3, Volume } from '@xai-clip/engine';

/** What the reader keeps of a DICOM series beyond its voxels (for reports and writing DICOM SEG). */
export interface DicomSeriesMeta {
  StudyInstanceUID: string;
  SeriesInstanceUID: string;
  FrameOfReferenceUID: string;
  Modality: string;
  PatientName: string;
  PatientID: string;
  rows: number;
  columns: number;
  /** Absolute file paths in slice order (slice k ↔ sourceFiles[k]). */
  sourceFiles: string[];
  /**
   * For each slice k, the index of its file among the series' files sorted by name (numbers
   * compared as numbers). Masks paired with DICOM by file order (e.g. CHAOS PNGs) use it as
   * `readPngMaskFolder`'s `sliceOrder`.
   */
  sliceFileIndex: number[];
  /** One entry per slice, in slice order. */
  instances: {
    SOPInstanceUID: string;
    SOPClassUID: string;
    InstanceNumber: number | undefined;
    ImagePositionPatient: Vec3;
  }[];
  /** Largest difference (mm) between one slice step and the mean step used as spacing[2]. */
  sliceSpacingMaxDeviation: number;
  /** dcmjs-naturalized dataset of slice 0, without PixelData. */
  firstSliceDataset: Record<string, unknown>;
}

// dcmjs has no type declarations; these are the few members used here.
interface Dcmjs {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer): { meta: object; dict: object } };
    DicomMetaDictionary: { naturalizeDataset(dataset: object): Record<string, unknown> };
  };
  log: { getLogger(name: string): { getLevel(): number; setLevel(level: number, persist?: boolean): void } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as Dcmjs;

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99']);
const SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless SV1',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
};
// SOP classes that hold no image to segment, by UID prefix.
const NON_IMAGE: [string, string][] = [
  ['1.2.840.10008.5.1.4.1.1.88.59', 'Key Object Selection document'],
  ['1.2.840.10008.5.1.4.1.1.88.', 'Structured Report'],
  ['1.2.840.10008.5.1.4.1.1.66.4', 'Segmentation'],
  ['1.2.840.10008.5.1.4.1.1.481.3', 'RT Structure Set'],
  ['1.2.840.10008.5.1.4.1.1.481.', 'RT object'],
  ['1.2.840.10008.5.1.4.1.1.11.', 'Presentation State'],
  ['1.2.840.10008.5.1.4.1.1.104.', 'Encapsulated document'],
];
const DICOMDIR_CLASS = '1.2.840.10008.1.3.10';

/**
 * Reads one DICOM image series from a folder into a Volume in LPS millimetres.
 *
 * Every file with the "DICM" marker is read (others are skipped, unless named *.dcm, .dicom or .ima:
 * those are reported as unreadable). Slices are sorted by their position along the slice normal
 * (row direction × column direction), ascending, so direction = [row, column, normal] is
 * right-handed and spacing[2] > 0, as in cornerstone3D and ITK. Files are not assumed to be in
 * that order: CHAOS CT files run head to feet, so its slice k is file 77 − k (see
 * `meta.sliceFileIndex`). Voxels are rescaled to modality values (HU for CT): Int16 when the
 * rescale is integral and fits, else Float32.
 *
 * Async only in reading the files; decoding is synchronous.
 */
export async function readDicomSeries(folder: string): Promise<Volume & { meta: DicomSeriesMeta }> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new Error(
      `DICOM folder not found: ${folder}. Pass the folder that holds the series' files ` +
        `(relative paths start at ${process.cwd()}).`,
    );
  }
  const root = nodePath.resolve(folder);
  const names = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort(new Intl.Collator('en', { numeric: true }).compare);

  const parsed: { file: string; dataset: Record<string, unknown>; transferSyntax: string }[] = [];
  for (const name of names) {
    const file = nodePath.join(root, name);
    const bytes = await fs.promises.readFile(file);
    const looksDicom = /\.(dcm|dicom|ima)$/i.test(name);
    const unreadable = (reason: string) =>
      new Error(
        `Cannot read ${file} as DICOM: ${reason}. Remove it from the folder or replace it with an intact copy.`,
      );
    if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
      // Folders often hold READMEs, thumbnails or checksum lists: skip them quietly.
      if (looksDicom) throw unreadable('it has no DICM marker at byte 128');
      continue;
    }
    const entry = parseFile(bytes, unreadable);
    if (
      entry.dataset.SOPClassUID === DICOMDIR_CLASS ||
      entry.meta.MediaStorageSOPClassUID === DICOMDIR_CLASS
    ) {
      continue;
    }
    parsed.push({ file, dataset: entry.dataset, transferSyntax: String(entry.meta.TransferSyntaxUID ?? '') });
  }
  if (parsed.length === 0) {
    throw new Error(
      `No DICOM files in ${root}: none of its ${names.length} files starts with the DICM marker of a DICOM file. ` +
        'Pass the folder that directly holds the series (sub-folders are not searched).',
    );
  }

  const series = new Map<string, typeof parsed>();
  for (const entry of parsed) {
    const uid = String(entry.dataset.SeriesInstanceUID ?? '(no SeriesInstanceUID)');
    if (!series.has(uid)) series.set(uid, []);
    series.get(uid)!.push(entry);
  }
  if (series.size > 1) {
    const list = [...series]
      .map(([uid, files]) => {
        const ds = files[0].dataset;
        const what = [ds.Modality, ds.SeriesDescription].filter(Boolean).join(' ');
        return `${uid} (${what ? what + ', ' : ''}${files.length} file${files.length > 1 ? 's' : ''})`;
      })
      .join('; ');
    throw new Error(
      `${root} holds ${series.size} DICOM series: ${list}. Put each series in its own folder and pass that folder.`,
    );
  }

  for (const { file, dataset, transferSyntax } of parsed) {
    const sopClass = String(dataset.SOPClassUID ?? '');
    const kind = NON_IMAGE.find(([prefix]) => sopClass.startsWith(prefix))?.[1];
    if (kind || dataset.PixelData === undefined) {
      throw new Error(
        `${file} is ${kind ? `a ${kind}` : 'a DICOM object without pixel data'} (SOP class ${sopClass || 'unknown'}, ` +
          `modality ${dataset.Modality ?? 'unknown'}), not an image. Pick the folder of an image series (e.g. CT or MR).`,
      );
    }
    if (!UNCOMPRESSED.has(transferSyntax)) {
      const syntax = SYNTAX_NAMES[transferSyntax]
        ? `${transferSyntax} (${SYNTAX_NAMES[transferSyntax]})`
        : transferSyntax;
      throw new Error(
        `${file} uses transfer syntax ${syntax}: compressed (or big-endian) pixel data is not supported. ` +
          'Convert the series to uncompressed DICOM first, e.g. `gdcmconv --raw in.dcm out.dcm` (any codec) ' +
          'or `dcmdjpeg in.dcm out.dcm` (JPEG only).',
      );
    }
    const frames = Number(dataset.NumberOfFrames ?? 1);
    const samples = Number(dataset.SamplesPerPixel ?? 1);
    const bits = Number(dataset.BitsAllocated);
    if (frames !== 1 || samples !== 1 || (bits !== 8 && bits !== 16)) {
      throw new Error(
        `${file} has ${frames} frame(s), ${samples} sample(s) per pixel and ${bits}-bit pixels; only single-frame ` +
          'greyscale 8- or 16-bit images are supported. Export the series as classic single-frame CT/MR images.',
      );
    }
  }

  const sizes = new Set(parsed.map(({ dataset }) => `${dataset.Columns}×${dataset.Rows}`));
  if (sizes.size > 1) {
    throw new Error(
      `The slices in ${root} have different sizes (${[...sizes].join(', ')} columns×rows); a volume needs one ` +
        'size. Check that the folder holds a single series, or resample the slices.',
    );
  }

  const columns = Number(parsed[0].dataset.Columns);
  const rows = Number(parsed[0].dataset.Rows);
  const stacked = stackSlices(
    parsed.map(({ file, dataset }) => ({
      name: file,
      values: modalityValues(file, dataset, columns, rows),
      ...placementOf(dataset),
    })),
    columns,
    rows,
  );
  const { order, sliceSpacingMaxDeviation, ...volume } = stacked;
  const sorted = order.map((index) => parsed[index]);
  const first = sorted[0].dataset;
  return {
    ...volume,
    meta: {
      StudyInstanceUID: text(first.StudyInstanceUID),
      SeriesInstanceUID: text(first.SeriesInstanceUID),
      FrameOfReferenceUID: text(first.FrameOfReferenceUID),
      Modality: text(first.Modality),
      PatientName: personName(first.PatientName),
      PatientID: text(first.PatientID),
      rows,
      columns,
      sourceFiles: sorted.map((slice) => slice.file),
      sliceFileIndex: order,
      instances: sorted.map(({ dataset }) => ({
        SOPInstanceUID: text(dataset.SOPInstanceUID),
        SOPClassUID: text(dataset.SOPClassUID),
        InstanceNumber: dataset.InstanceNumber === undefined ? undefined : Number(dataset.InstanceNumber),
        ImagePositionPatient: (numbers(dataset.ImagePositionPatient, 3) ?? [0, 0, 0]) as Vec3,
      })),
      sliceSpacingMaxDeviation,
      firstSliceDataset: Object.fromEntries(Object.entries(first).filter(([key]) => key !== 'PixelData')),
    },
  };
}

/** Parses one Part 10 file; dcmjs's warnings about ambiguous VRs (US/SS) are silenced. */
function parseFile(
  bytes: Buffer,
  unreadable: (reason: string) => Error,
): { meta: Record<string, unknown>; dataset: Record<string, unknown> } {
  const logger = dcmjs.log.getLogger('validation.dcmjs');
  const level = logger.getLevel();
  logger.setLevel(5, false); // silent
  try {
    const message = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    return {
      meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.meta),
      dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict),
    };
  } catch (error) {
    throw unreadable((error as Error).message);
  } finally {
    logger.setLevel(level, false);
  }
}

/** One file's pixels as modality values (RescaleSlope · stored + RescaleIntercept; HU for CT). */
function modalityValues(
  file: string,
  dataset: Record<string, unknown>,
  columns: number,
  rows: number,
): Float32Array {
  const plane = columns * rows;
  const bits = Number(dataset.BitsAllocated);
  const frame = (dataset.PixelData as ArrayBuffer[])[0];
  if (!(frame?.byteLength >= plane * (bits / 8))) {
    throw new Error(
      `${file} holds ${frame?.byteLength ?? 0} bytes of pixel data, fewer than its ${columns}×${rows} ` +
        `${bits}-bit pixels need; the file is truncated. Replace it with an intact copy.`,
    );
  }
  const stored = new Int32Array(plane);
  unpack(
    {
      raw: bits === 16 ? new Uint16Array(frame, 0, plane) : new Uint8Array(frame, 0, plane),
      shift: 32 - Number(dataset.BitsStored ?? bits),
      signed: Number(dataset.PixelRepresentation) === 1,
    },
    stored,
  );
  const values = new Float32Array(plane);
  rescale(stored, Number(dataset.RescaleSlope ?? 1), Number(dataset.RescaleIntercept ?? 0), values);
  return values;
}

// The loops below are separate functions so that V8 optimises each on its own.
function rescale(values: Int32Array, slope: number, intercept: number, out: Float32Array): void {
  for (let n = 0; n < values.length; n++) out[n] = values[n] * slope + intercept;
}

/** Stored pixel values: the BitsStored low bits, sign-extended when PixelRepresentation is 1. */
function unpack(
  frame: { raw: Uint8Array | Uint16Array; shift: number; signed: boolean },
  out: Int32Array,
): void {
  const { raw, shift } = frame;
  if (frame.signed) for (let n = 0; n < raw.length; n++) out[n] = (raw[n] << shift) >> shift;
  else for (let n = 0; n < raw.length; n++) out[n] = (raw[n] << shift) >>> shift;
}

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(Array.isArray(value) ? value[0] : value);
}

/** dcmjs gives PN as [{ Alphabetic: 'FAMILY^GIVEN' }]. */
function personName(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  if (first && typeof first === 'object') return String((first as { Alphabetic?: string }).Alphabetic ?? '');
  return text(first);
}
