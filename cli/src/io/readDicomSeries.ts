import * as fs from 'fs';
import * as nodePath from 'path';
import { Vec3, Volume } from '../../../extension/src/engine/volume/Volume';

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

interface Slice {
  file: string;
  dataset: Record<string, unknown>;
  position: Vec3;
  distance: number;
}

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

  // Geometry: all slices must share one orientation; sort them along its normal.
  const orientationOf = (ds: Record<string, unknown>) => numbers(ds.ImageOrientationPatient, 6);
  const orientation =
    orientationOf(parsed[0].dataset) ?? (parsed.length === 1 ? [1, 0, 0, 0, 1, 0] : undefined);
  if (!orientation) {
    throw new Error(
      `${parsed[0].file} has no ImageOrientationPatient, so its slices cannot be placed in space. ` +
        'Only cross-sectional series (CT, MR, PET) can be read.',
    );
  }
  const row = orientation.slice(0, 3);
  const column = orientation.slice(3, 6);
  const normal = normalise([
    row[1] * column[2] - row[2] * column[1],
    row[2] * column[0] - row[0] * column[2],
    row[0] * column[1] - row[1] * column[0],
  ]);
  const slices: Slice[] = parsed.map(({ file, dataset }) => {
    const own = orientationOf(dataset) ?? orientation;
    if (own.some((v, n) => Math.abs(v - orientation[n]) > 1e-3)) {
      throw new Error(
        `${file} is oriented differently (${own.join('\\')}) from ${parsed[0].file} (${orientation.join('\\')}); ` +
          'a volume needs parallel slices. Split the folder by orientation.',
      );
    }
    const position =
      numbers(dataset.ImagePositionPatient, 3) ?? (parsed.length === 1 ? [0, 0, 0] : undefined);
    if (!position) {
      throw new Error(`${file} has no ImagePositionPatient, so it cannot be placed in the volume.`);
    }
    const distance = position[0] * normal[0] + position[1] * normal[1] + position[2] * normal[2];
    return { file, dataset, position: position as Vec3, distance };
  });
  slices.sort((a, b) => a.distance - b.distance);

  const steps = slices.slice(1).map((slice, k) => slice.distance - slices[k].distance);
  const duplicate = steps.findIndex((step) => step < 1e-4);
  if (duplicate >= 0) {
    throw new Error(
      `${slices[duplicate].file} and ${slices[duplicate + 1].file} lie at the same position; the folder seems to ` +
        'hold several acquisitions (echoes, phases, time points) of one series. Keep one acquisition per folder.',
    );
  }
  const first = slices[0].dataset;
  const sliceSpacing =
    steps.length > 0
      ? steps.reduce((sum, step) => sum + step, 0) / steps.length
      : Number(first.SpacingBetweenSlices ?? first.SliceThickness ?? 1) || 1;
  const pixelSpacing = numbers(first.PixelSpacing, 2) ?? numbers(first.ImagerPixelSpacing, 2) ?? [1, 1];

  const columns = Number(first.Columns);
  const rows = Number(first.Rows);
  return {
    ...decodeVoxels(slices, columns, rows),
    dimensions: [columns, rows, slices.length],
    // PixelSpacing is [between rows (along j), between columns (along i)].
    spacing: [pixelSpacing[1], pixelSpacing[0], sliceSpacing],
    origin: [...slices[0].position] as Vec3,
    direction: [...row, ...column, ...normal],
    meta: {
      StudyInstanceUID: text(first.StudyInstanceUID),
      SeriesInstanceUID: text(first.SeriesInstanceUID),
      FrameOfReferenceUID: text(first.FrameOfReferenceUID),
      Modality: text(first.Modality),
      PatientName: personName(first.PatientName),
      PatientID: text(first.PatientID),
      rows,
      columns,
      sourceFiles: slices.map((slice) => slice.file),
      sliceFileIndex: slices.map((slice) => parsed.findIndex((entry) => entry.file === slice.file)),
      instances: slices.map(({ dataset, position }) => ({
        SOPInstanceUID: text(dataset.SOPInstanceUID),
        SOPClassUID: text(dataset.SOPClassUID),
        InstanceNumber: dataset.InstanceNumber === undefined ? undefined : Number(dataset.InstanceNumber),
        ImagePositionPatient: position,
      })),
      sliceSpacingMaxDeviation: steps.reduce((max, step) => Math.max(max, Math.abs(step - sliceSpacing)), 0),
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

/** Rescaled voxels of the sorted slices: Int16 when slope/intercept are integers and values fit. */
function decodeVoxels(slices: Slice[], columns: number, rows: number): { data: Int16Array | Float32Array } {
  const plane = columns * rows;
  const scratch = new Int32Array(plane);
  const frames = slices.map(({ file, dataset }) => {
    const bits = Number(dataset.BitsAllocated);
    const frame = (dataset.PixelData as ArrayBuffer[])[0];
    if (!(frame?.byteLength >= plane * (bits / 8))) {
      throw new Error(
        `${file} holds ${frame?.byteLength ?? 0} bytes of pixel data, fewer than its ${columns}×${rows} ` +
          `${bits}-bit pixels need; the file is truncated. Replace it with an intact copy.`,
      );
    }
    const frameInfo = {
      raw: bits === 16 ? new Uint16Array(frame, 0, plane) : new Uint8Array(frame, 0, plane),
      shift: 32 - Number(dataset.BitsStored ?? bits),
      signed: Number(dataset.PixelRepresentation) === 1,
      slope: Number(dataset.RescaleSlope ?? 1),
      intercept: Number(dataset.RescaleIntercept ?? 0),
      min: 0,
      max: 0,
    };
    unpack(frameInfo, scratch);
    const [min, max] = rangeOf(scratch);
    const ends = [min * frameInfo.slope + frameInfo.intercept, max * frameInfo.slope + frameInfo.intercept];
    return { ...frameInfo, min: Math.min(...ends), max: Math.max(...ends) };
  });
  const fits = frames.every(
    (f) => Number.isInteger(f.slope) && Number.isInteger(f.intercept) && f.min >= -32768 && f.max <= 32767,
  );
  const data = fits ? new Int16Array(plane * slices.length) : new Float32Array(plane * slices.length);
  frames.forEach((frame, k) => {
    unpack(frame, scratch);
    rescale(scratch, frame.slope, frame.intercept, data.subarray(k * plane, (k + 1) * plane));
  });
  return { data };
}

// The loops below are separate functions so that V8 optimises each on its own.
function rangeOf(values: Int32Array): [number, number] {
  let min = values[0];
  let max = values[0];
  for (let n = 1; n < values.length; n++) {
    const v = values[n];
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return [min, max];
}

function rescale(values: Int32Array, slope: number, intercept: number, out: Int16Array | Float32Array): void {
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

/** A numeric multi-value of at least `count` numbers, or undefined. */
function numbers(value: unknown, count: number): number[] | undefined {
  const list = (Array.isArray(value) ? value : typeof value === 'string' ? value.split('\\') : []).map(
    Number,
  );
  return list.length >= count && list.slice(0, count).every(Number.isFinite)
    ? list.slice(0, count)
    : undefined;
}

function normalise(v: number[]): number[] {
  const length = Math.hypot(v[0], v[1], v[2]);
  return v.map((x) => x / length);
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
