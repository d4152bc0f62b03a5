import * as fs from 'fs';
import * as nodePath from 'path';
import * as zlib from 'zlib';
import {
  GAP_FACTOR,
  numbers,
  placementOf,
  SliceSpacingReport,
  stackSlices,
  Vec3,
  Volume,
} from '@xai-clip/engine';
import { asVolumeReadError } from './asVolumeReadError';
import { checkMemoryEstimate, DEFAULT_MAX_VOLUME_BYTES } from './checkMemoryEstimate';
import { checkVoxelSize } from './checkVoxelSize';
import { locatePixelData } from './locatePixelData';
import { VolumeReadError } from './VolumeReadError';

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
  /** How evenly the slices lie (spacing[2] is its mean step); gaps are refused unless allowed. */
  spacingReport: SliceSpacingReport;
  /** dcmjs-naturalized dataset of slice 0, without PixelData. */
  firstSliceDataset: Record<string, unknown>;
}

// dcmjs has no type declarations; these are the few members used here.
interface Dcmjs {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options: object): { meta: object; dict: object } };
    DicomMetaDictionary: { naturalizeDataset(dataset: object): Record<string, unknown> };
  };
  log: { getLogger(name: string): { getLevel(): number; setLevel(level: number, persist?: boolean): void } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as Dcmjs;

const IMPLICIT_VR = '1.2.840.10008.1.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const UNCOMPRESSED = new Set([IMPLICIT_VR, '1.2.840.10008.1.2.1', DEFLATED]);
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

/** What readDicomSeries may accept beyond a regular series of sane size. */
export interface ReadDicomSeriesOptions {
  /**
   * Read a series with gaps (a step between slices over GAP_FACTOR × the median step, as when
   * slices are missing): its slices are then placed at the mean step, off by up to
   * `spacingReport.maxPositionError` mm, and a note says so on stderr. Off by default: refused.
   */
  allowIrregularSpacing?: boolean;
  /** Most memory (bytes) the voxels may take; default DEFAULT_MAX_VOLUME_BYTES. */
  maxBytes?: number;
}

/** One file of the series: its header (without pixels) and where its pixel values lie. */
interface ParsedFile {
  file: string;
  dataset: Record<string, unknown>;
  transferSyntax: string;
  /** The stored pixel values, checked to be complete (set once the header is validated). */
  pixels?: Uint8Array;
}

/**
 * Reads one DICOM image series from a folder into a Volume in LPS millimetres.
 *
 * Every file (or link to a file) with the "DICM" marker is read (others are skipped, unless named
 * *.dcm, .dicom or .ima: those are reported as unreadable). Slices are sorted by their position
 * along the slice normal (row direction × column direction), ascending, so direction =
 * [row, column, normal] is right-handed and spacing[2] > 0, as in cornerstone3D and ITK. Files are
 * not assumed to be in that order: CHAOS CT files run head to feet, so its slice k is file 77 − k
 * (see `meta.sliceFileIndex`). Voxels are rescaled to modality values (HU for CT): Int16 when the
 * rescale is integral and fits, else Float32.
 *
 * Every refusal is a VolumeReadError naming the file and what to do: a file cut short, pixel
 * formats other than 8/16-bit greyscale, impossible PixelSpacing or ImageOrientationPatient, gaps
 * between slices (see `options.allowIrregularSpacing`) and series over `options.maxBytes`.
 * Async only in reading the files; decoding is synchronous.
 */
export async function readDicomSeries(
  folder: string,
  options: ReadDicomSeriesOptions = {},
): Promise<Volume & { meta: DicomSeriesMeta }> {
  try {
    return await readSeries(folder, options);
  } catch (error) {
    throw asVolumeReadError(folder, 'DICOM series', error);
  }
}

async function readSeries(
  folder: string,
  options: ReadDicomSeriesOptions,
): Promise<Volume & { meta: DicomSeriesMeta }> {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new VolumeReadError(
      folder,
      `DICOM folder not found: ${folder}. Pass the folder that holds the series' files ` +
        `(relative paths start at ${process.cwd()}).`,
    );
  }
  const root = nodePath.resolve(folder);
  const refuse = (message: string) => new VolumeReadError(root, message);
  const names = fs
    .readdirSync(root)
    // Links are followed: series are often assembled from links into an archive.
    .filter((name) => fs.statSync(nodePath.join(root, name), { throwIfNoEntry: false })?.isFile())
    .sort(new Intl.Collator('en', { numeric: true }).compare);

  const parsed: ParsedFile[] = [];
  for (const name of names) {
    const file = nodePath.join(root, name);
    const bytes = await fs.promises.readFile(file);
    const looksDicom = /\.(dcm|dicom|ima)$/i.test(name);
    if (bytes.length < 132 || bytes.toString('latin1', 128, 132) !== 'DICM') {
      // Folders often hold READMEs, thumbnails or checksum lists: skip them quietly.
      if (looksDicom) throw unreadable(file, 'it has no DICM marker at byte 128');
      continue;
    }
    const entry = parseHeader(file, bytes);
    if (
      entry.dataset.SOPClassUID === DICOMDIR_CLASS ||
      entry.meta.MediaStorageSOPClassUID === DICOMDIR_CLASS
    ) {
      continue;
    }
    const transferSyntax = String(entry.meta.TransferSyntaxUID ?? '');
    parsed.push({ file, dataset: entry.dataset, transferSyntax });
    if (UNCOMPRESSED.has(transferSyntax) && '7FE00010' in entry.dict && !nonImageKind(entry.dataset)) {
      checkPixelFormat(file, entry.dataset);
      parsed[parsed.length - 1].pixels = pixelBytes(file, bytes, entry.dataset, transferSyntax);
    }
  }
  if (parsed.length === 0) {
    throw refuse(
      `No DICOM files in ${root}: none of its ${names.length} files starts with the DICM marker of a DICOM file. ` +
        'Pass the folder that directly holds the series (sub-folders are not searched).',
    );
  }

  const series = new Map<string, ParsedFile[]>();
  for (const entry of parsed) {
    const uid = String(entry.dataset.SeriesInstanceUID ?? '(no SeriesInstanceUID)');
    if (!series.has(uid)) series.set(uid, []);
    series.get(uid)!.push(entry);
  }
  if (series.size > 1) {
    const list = [...series]
      .map(([uid, files]) => {
        const ds = files[0].dataset;
        const what = [ds.Modality, ds.SeriesDescription].filter((v) => typeof v === 'string' && v).join(' ');
        return `${uid} (${what ? what + ', ' : ''}${files.length} file${files.length > 1 ? 's' : ''})`;
      })
      .join('; ');
    throw refuse(
      `${root} holds ${series.size} DICOM series: ${list}. Put each series in its own folder and pass that folder.`,
    );
  }

  for (const { file, dataset, transferSyntax, pixels } of parsed) {
    const sopClass = String(dataset.SOPClassUID ?? '');
    const kind = nonImageKind(dataset);
    if (kind || (UNCOMPRESSED.has(transferSyntax) && !pixels)) {
      throw new VolumeReadError(
        file,
        `${file} is ${kind ? `a ${kind}` : 'a DICOM object without pixel data'} (SOP class ${sopClass || 'unknown'}, ` +
          `modality ${dataset.Modality ?? 'unknown'}), not an image. Pick the folder of an image series (e.g. CT or MR).`,
      );
    }
    if (!UNCOMPRESSED.has(transferSyntax)) {
      const syntax = SYNTAX_NAMES[transferSyntax]
        ? `${transferSyntax} (${SYNTAX_NAMES[transferSyntax]})`
        : transferSyntax;
      throw new VolumeReadError(
        file,
        `${file} uses transfer syntax ${syntax}: compressed (or big-endian) pixel data is not supported. ` +
          'Convert the series to uncompressed DICOM first, e.g. `gdcmconv --raw in.dcm out.dcm` (any codec) ' +
          'or `dcmdjpeg in.dcm out.dcm` (JPEG only).',
      );
    }
  }

  const sizes = new Set(parsed.map(({ dataset }) => `${dataset.Columns}×${dataset.Rows}`));
  if (sizes.size > 1) {
    throw refuse(
      `The slices in ${root} have different sizes (${[...sizes].join(', ')} columns×rows); a volume needs one ` +
        'size. Check that the folder holds a single series, or resample the slices.',
    );
  }

  const columns = Number(parsed[0].dataset.Columns);
  const rows = Number(parsed[0].dataset.Rows);
  // Float32 modality values of every slice, then the stacked volume (at most as large again).
  checkMemoryEstimate(
    root,
    parsed.length * columns * rows * 8,
    `${parsed.length} slices of ${columns}×${rows} pixels × 8 bytes while stacking`,
    options.maxBytes ?? DEFAULT_MAX_VOLUME_BYTES,
  );
  let stacked: ReturnType<typeof stackSlices>;
  try {
    stacked = stackSlices(
      parsed.map(({ file, dataset, pixels }) => ({
        name: file,
        values: modalityValues(dataset, pixels!, columns * rows),
        ...placementOf(dataset),
      })),
      columns,
      rows,
    );
  } catch (error) {
    if (error instanceof VolumeReadError) throw error;
    // The engine's geometry checks already name the file and what to do.
    throw new VolumeReadError(root, (error as Error).message, { cause: error });
  }
  const { order, spacingReport, ...volume } = stacked;
  checkSpacing(root, spacingReport, options.allowIrregularSpacing ?? false);
  checkVoxelSize(
    root,
    volume.spacing,
    'PixelSpacing and the distance between slice positions',
    'Check PixelSpacing and ImagePositionPatient in the files, or export the series again from the scanner or PACS.',
  );
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
      spacingReport,
      firstSliceDataset: Object.fromEntries(Object.entries(first).filter(([key]) => key !== 'PixelData')),
    },
  };
}

/** What a non-image object is (e.g. 'Structured Report'), or undefined for an image. */
function nonImageKind(dataset: Record<string, unknown>): string | undefined {
  const sopClass = String(dataset.SOPClassUID ?? '');
  return NON_IMAGE.find(([prefix]) => sopClass.startsWith(prefix))?.[1];
}

/**
 * Refuses a series with gaps (missing slices) unless `allowed`; when allowed, says on stderr that
 * its slices are placed at the mean step and how far off that puts them.
 */
function checkSpacing(root: string, report: SliceSpacingReport, allowed: boolean): void {
  if (report.gaps.length === 0) return;
  const mm = (value: number) => `${Number(value.toFixed(3))} mm`;
  const where = report.gaps
    .slice(0, 5)
    .map(({ after, step }) => `${mm(step)} between slices ${after} and ${after + 1}`)
    .join(', ');
  const more = report.gaps.length > 5 ? ` and ${report.gaps.length - 5} more` : '';
  const finding =
    `The slices in ${root} are unevenly spaced: the usual step is ${mm(report.medianStep)}, but ` +
    `${report.gaps.length} step${report.gaps.length > 1 ? 's are' : ' is'} over ${GAP_FACTOR}× that (${where}${more}), ` +
    `so slices are probably missing. Stacked at the mean step of ${mm(report.meanStep)}, slices would lie up to ` +
    `${mm(report.maxPositionError)} from their true positions.`;
  if (!allowed) {
    throw new VolumeReadError(
      root,
      `${finding} Add the missing slices or pass the complete series; to accept the misplacement, read it with ` +
        'the allowIrregularSpacing option (CLI: --allow-irregular-spacing).',
    );
  }
  process.stderr.write(`xai-clip: note: ${finding} Read anyway, as allowIrregularSpacing asks.\n`);
}

function unreadable(file: string, reason: string): VolumeReadError {
  return new VolumeReadError(
    file,
    `Cannot read ${file} as DICOM: ${reason}. Remove it from the folder or replace it with an intact copy.`,
  );
}

/**
 * Parses one Part 10 file up to its Pixel Data (read separately, see pixelBytes); dcmjs's
 * warnings about ambiguous VRs (US/SS) are silenced, and its errors, which speak of its own
 * internals, become one sentence.
 */
function parseHeader(
  file: string,
  bytes: Buffer,
): { meta: Record<string, unknown>; dict: object; dataset: Record<string, unknown> } {
  const logger = dcmjs.log.getLogger('validation.dcmjs');
  const level = logger.getLevel();
  logger.setLevel(5, false); // silent
  try {
    const message = dcmjs.data.DicomMessage.readFile(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      { untilTag: '7FE00010', includeUntilTagValue: false, ignoreErrors: false },
    );
    return {
      meta: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.meta),
      dict: message.dict,
      dataset: dcmjs.data.DicomMetaDictionary.naturalizeDataset(message.dict),
    };
  } catch (error) {
    throw Object.assign(unreadable(file, 'its header is damaged or cut short'), { cause: error });
  } finally {
    logger.setLevel(level, false);
  }
}

/** Only single-frame greyscale 8- or 16-bit pixels, with a sane size, bit depth and rescale, are read. */
function checkPixelFormat(file: string, dataset: Record<string, unknown>): void {
  const frames = Number(dataset.NumberOfFrames ?? 1);
  const samples = Number(dataset.SamplesPerPixel ?? 1);
  const bits = Number(dataset.BitsAllocated);
  if (frames !== 1 || samples !== 1 || (bits !== 8 && bits !== 16)) {
    throw new VolumeReadError(
      file,
      `${file} has ${frames} frame(s), ${samples} sample(s) per pixel and ${bits}-bit pixels; only single-frame ` +
        'greyscale 8- or 16-bit images are supported. Export the series as classic single-frame CT/MR images.',
    );
  }
  const header = (reason: string) =>
    new VolumeReadError(
      file,
      `${file} has ${reason}, so its pixels cannot be decoded. Correct the tag or export the series again from the ` +
        'scanner or PACS.',
    );
  const stored = Number(dataset.BitsStored ?? bits);
  if (!(Number.isInteger(stored) && stored >= 1 && stored <= bits)) {
    throw header(`BitsStored ${dataset.BitsStored} with BitsAllocated ${bits} (it must be 1…${bits})`);
  }
  const representation = Number(dataset.PixelRepresentation ?? 0);
  if (representation !== 0 && representation !== 1) {
    throw header(`PixelRepresentation ${dataset.PixelRepresentation} (it must be 0, unsigned, or 1, signed)`);
  }
  for (const tag of ['Rows', 'Columns'] as const) {
    const value = Number(dataset[tag]);
    if (!(Number.isInteger(value) && value >= 1))
      throw header(`${tag} ${dataset[tag]} (it must be a whole number ≥ 1)`);
  }
  const slope = Number(dataset.RescaleSlope ?? 1);
  const intercept = Number(dataset.RescaleIntercept ?? 0);
  if (!(Number.isFinite(slope) && slope !== 0 && Number.isFinite(intercept))) {
    throw header(
      `RescaleSlope ${dataset.RescaleSlope} and RescaleIntercept ${dataset.RescaleIntercept} (a non-zero slope and a number are needed)`,
    );
  }
}

/**
 * The file's stored pixel bytes, refused unless the file holds all Rows × Columns × BitsAllocated/8
 * of them (dcmjs would fill the missing ones with zeros).
 */
function pixelBytes(
  file: string,
  bytes: Buffer,
  dataset: Record<string, unknown>,
  transferSyntax: string,
): Uint8Array {
  const rows = Number(dataset.Rows);
  const columns = Number(dataset.Columns);
  const bits = Number(dataset.BitsAllocated);
  const needed = rows * columns * (bits / 8);
  const dataSet = transferSyntax === DEFLATED ? inflateDataSet(file, bytes, needed) : bytes;
  const found = locatePixelData(dataSet, transferSyntax !== IMPLICIT_VR, needed);
  if (!found) {
    throw unreadable(
      file,
      `its Pixel Data element is missing or does not declare the ${needed} bytes that its ${columns}×${rows} ` +
        `${bits}-bit pixels need`,
    );
  }
  if (found.bytesPresent < needed) {
    throw unreadable(
      file,
      `it holds ${found.bytesPresent} bytes of pixel data where its ${columns}×${rows} ${bits}-bit pixels need ` +
        `${needed}; the file is truncated (it ends at byte ${bytes.length})`,
    );
  }
  return dataSet.subarray(found.offset, found.offset + needed);
}

/** The data set of a Deflated Explicit VR file: what follows the file meta group, inflated (at most what can hold). */
function inflateDataSet(file: string, bytes: Buffer, neededPixelBytes: number): Buffer {
  // (0002,0000) UL FileMetaInformationGroupLength right after "DICM": its value says where the meta group ends.
  const metaEnd =
    bytes.length >= 144 && bytes.readUInt32LE(132) === 0x00000002 ? 144 + bytes.readUInt32LE(140) : NaN;
  if (!(metaEnd <= bytes.length)) throw unreadable(file, 'its file meta group has no valid length');
  try {
    // The header and the pixels cannot be larger than the compressed file times a generous ratio plus the pixels.
    return zlib.inflateRawSync(bytes.subarray(metaEnd), {
      maxOutputLength: neededPixelBytes + 64 * bytes.length + 1e6,
    });
  } catch (error) {
    throw Object.assign(unreadable(file, 'its deflated data set is damaged or cut short'), { cause: error });
  }
}

/** One file's pixels as modality values (RescaleSlope · stored + RescaleIntercept; HU for CT). */
function modalityValues(dataset: Record<string, unknown>, pixels: Uint8Array, plane: number): Float32Array {
  const bits = Number(dataset.BitsAllocated);
  // A copy: Uint16Array needs an even byte offset, which a pixel element inside a file need not have.
  const frame = new Uint8Array(pixels).buffer;
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
