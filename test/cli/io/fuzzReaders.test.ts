import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { readDicomSeries } from '../../../cli/src/io/readDicomSeries';
import { readNifti } from '../../../cli/src/io/readNifti';
import { VolumeReadError } from '../../../cli/src/io/VolumeReadError';
import { writeNifti } from '../../../cli/src/io/writeNifti';
import { createRandom } from '../../../extension/src/engine/util/random';
import { Volume } from '../../../extension/src/engine/volume/Volume';

// dcmjs has no type declarations; only its writer is needed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as { data: { datasetToBuffer(dataset: object): Buffer } };

/**
 * Issue 21: ~150 mutated NIfTI and ~150 mutated DICOM files, made from small valid seeds with a
 * fixed seed (truncations at random offsets, random byte flips in the header, header fields set to
 * extreme values). Every read must end within 30 s without crashing the process, and either give
 * finite voxels on a valid grid or be refused with a VolumeReadError in the project's words; a
 * truncated file must never be read.
 */
const SEED = 21;
const PER_FORMAT = 150;
const SECONDS_PER_READ = 30;
/** Texts of library or engine internals that must never reach a user. */
const RAW_MESSAGE =
  /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Invalid (typed )?array length|out of (range|bounds)|Maximum call stack|Request more than|Invalid DICOM file|Offset is outside|Array buffer allocation|Unexpected token|Invalid vr/i;

type Mutation = 'truncate' | 'flip' | 'override';
interface Outcome {
  mutation: Mutation;
  file: string;
  error?: unknown;
  volume?: Volume;
  seconds: number;
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-fuzz-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const random = createRandom(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const below = (n: number) => Math.floor(random() * n);
const EXTREMES = [0, -1, 1, -32768, 32767, 65535, 2 ** 31 - 1, NaN, Infinity, -Infinity, 1e-9, 1e30, 0.5, 7];

/** `bytes` mutated one way (cut short, bytes flipped before `headerEnd`, or `override()`), with the way. */
function mutate(bytes: Buffer, headerEnd: number, override: () => Buffer): [Buffer, Mutation] {
  const mutation = pick(['truncate', 'flip', 'override'] as const);
  if (mutation === 'truncate') return [Buffer.from(bytes.subarray(0, below(bytes.length))), mutation];
  if (mutation === 'override') return [override(), mutation];
  const copy = Buffer.from(bytes);
  for (let n = 1 + below(4); n > 0; n--) copy[below(headerEnd)] ^= 1 + below(255);
  return [copy, mutation];
}

// NIfTI-1 header fields: byte offset and type.
const NIFTI_FIELDS: [number, 'int16' | 'float32' | 'uint8'][] = [
  [40, 'int16'], // dim[0]
  [42, 'int16'], // dim[1]
  [44, 'int16'],
  [46, 'int16'],
  [48, 'int16'], // dim[4]
  [70, 'int16'], // datatype
  [72, 'int16'], // bitpix
  [76, 'float32'], // pixdim[0] (qfac)
  [80, 'float32'],
  [84, 'float32'],
  [88, 'float32'],
  [108, 'float32'], // vox_offset
  [112, 'float32'], // scl_slope
  [116, 'float32'], // scl_inter
  [123, 'uint8'], // xyzt_units
  [252, 'int16'], // qform_code
  [254, 'int16'], // sform_code
  [256, 'float32'], // quatern_b
  [268, 'float32'], // qoffset_x
  ...Array.from({ length: 12 }, (_, n): [number, 'float32'] => [280 + n * 4, 'float32']), // srow_x/y/z
];

/** A copy of a NIfTI file with one header field set to an extreme value. */
function overrideNiftiField(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  const [at, type] = pick(NIFTI_FIELDS);
  const value = pick(EXTREMES);
  const view = new DataView(copy.buffer, copy.byteOffset, 352);
  if (type === 'float32') view.setFloat32(at, value, true);
  else if (type === 'int16') view.setInt16(at, Number.isFinite(value) ? value : 0, true);
  else view.setUint8(at, Number.isFinite(value) ? value & 0xff : 0);
  return copy;
}

/** The valid NIfTI seeds: Int16 and Float32 volumes, plain and gzip-compressed. */
function niftiSeeds(): { name: string; bytes: Buffer; gzip: boolean }[] {
  const make = (data: Int16Array | Float32Array, dimensions: [number, number, number]) => {
    const file = path.join(tmp, 'seed.nii');
    writeNifti(file, {
      data,
      dimensions,
      spacing: [0.8, 0.8, 2.5],
      origin: [-10, 20, 30],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    });
    return fs.readFileSync(file);
  };
  const int16 = make(
    Int16Array.from({ length: 8 * 6 * 5 }, (_, n) => n * 7 - 100),
    [8, 6, 5],
  );
  const float32 = make(
    Float32Array.from({ length: 4 * 4 * 3 }, (_, n) => n / 3),
    [4, 4, 3],
  );
  return [
    { name: 'int16', bytes: int16, gzip: false },
    { name: 'float32', bytes: float32, gzip: false },
    { name: 'int16-gz', bytes: int16, gzip: true },
  ];
}

/** Fields a DICOM slice is rewritten with, and the values they may take. */
const DICOM_FIELDS: Record<string, unknown[]> = {
  Rows: [0, 1, 65535, 2],
  Columns: [0, 1, 65535, 3],
  BitsAllocated: [0, 1, 8, 12, 32, 64],
  BitsStored: [0, 1, 17, 40],
  HighBit: [0, 40],
  PixelRepresentation: [2, 0],
  SamplesPerPixel: [0, 3],
  NumberOfFrames: [0, 2],
  RescaleSlope: [0, 1e30, -1],
  RescaleIntercept: [1e30, -1e30],
  PixelSpacing: [[0, 0], [-1, 1], [1e-9, 1e-9], [1e9, 1], 'abc'],
  ImageOrientationPatient: [[0, 0, 0, 0, 0, 0], [1, 0, 0, 1, 0, 0], [2, 0, 0, 0, 2, 0], 'x'],
  ImagePositionPatient: [[0, 0, 0], [1e30, 0, 0], 'y'],
  SliceThickness: [0, -5],
  SOPClassUID: ['1.2.840.10008.5.1.4.1.1.88.22'],
};

let uid = 0;
/** One CT slice of 4 columns × 3 rows, as dcmjs writes it (explicit or implicit VR little endian). */
function dicomSlice(z: number, transferSyntax: string, fields: Record<string, unknown> = {}): Buffer {
  const pixels = Int16Array.from({ length: 12 }, (_, n) => n * 10 - 50 + z);
  return dcmjs.data.datasetToBuffer({
    _meta: { TransferSyntaxUID: { Value: [transferSyntax] } },
    _vrMap: { PixelData: 'OW' },
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: `2.25.${++uid}`,
    StudyInstanceUID: '2.25.7',
    SeriesInstanceUID: '2.25.100',
    FrameOfReferenceUID: '2.25.8',
    Modality: 'CT',
    ImagePositionPatient: [0, 0, z],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [0.7, 0.7],
    SliceThickness: 2,
    Rows: 3,
    Columns: 4,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    RescaleSlope: 1,
    RescaleIntercept: -1024,
    PixelData: [pixels.buffer],
    ...fields,
  });
}

async function timed(mutation: Mutation, file: string, read: () => Promise<Volume>): Promise<Outcome> {
  const start = performance.now();
  const outcome: Outcome = { mutation, file, seconds: 0 };
  try {
    outcome.volume = await read();
  } catch (error) {
    outcome.error = error;
  }
  outcome.seconds = (performance.now() - start) / 1000;
  return outcome;
}

/** What went wrong with an outcome, or undefined when it is one of the two allowed results. */
function problem({ mutation, error, volume, seconds }: Outcome): string | undefined {
  if (seconds > SECONDS_PER_READ) return `took ${seconds.toFixed(1)} s`;
  if (error) {
    if (!(error instanceof VolumeReadError))
      return `threw a raw ${(error as Error)?.name}: ${(error as Error)?.message}`;
    if (RAW_MESSAGE.test(error.message)) return `let a raw message through: ${error.message}`;
    if (!error.message.includes(error.path)) return `does not name ${error.path}: ${error.message}`;
    return undefined;
  }
  if (mutation === 'truncate') return 'was truncated but read without error';
  const v = volume!;
  const [nx, ny, nz] = v.dimensions;
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n >= 1) || v.data.length !== nx * ny * nz) {
    return `has ${v.data.length} voxels for dimensions ${v.dimensions.join('×')}`;
  }
  if (!Array.from(v.data).every(Number.isFinite)) return 'has voxels that are not finite';
  if (!v.spacing.every((s) => s > 0 && Number.isFinite(s))) return `has spacing ${v.spacing.join(', ')}`;
  if (!v.origin.every(Number.isFinite)) return `has origin ${v.origin.join(', ')}`;
  const axes = [0, 3, 6].map((k) => v.direction.slice(k, k + 3));
  if (!axes.every((a) => Math.abs(Math.hypot(a[0], a[1], a[2]) - 1) < 1e-3))
    return `has direction ${v.direction.join(', ')}`;
  return undefined;
}

/** One line per outcome kind: ok, or refused with the message's opening words (numbers and paths left out). */
function tally(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const { error, file } of outcomes) {
    const reason =
      error instanceof VolumeReadError
        ? 'refused: ' +
          error.message
            .split(file)
            .join('FILE')
            .split(path.dirname(file))
            .join('FOLDER')
            .replace(/(?<![\w/-])-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|-?Infinity/g, '#')
            .slice(0, 90)
        : error
          ? 'raw error'
          : 'ok';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${String(count).padStart(4)}  ${reason}`)
    .join('\n');
}

describe('the readers on fuzzed files (issue 21)', () => {
  it(`refuses or reads sanely ${PER_FORMAT} mutated NIfTI files`, async () => {
    const seeds = niftiSeeds();
    const outcomes: Outcome[] = [];
    for (let n = 0; n < PER_FORMAT; n++) {
      const seed = seeds[n % seeds.length];
      const [mutated, mutation] = mutate(seed.bytes, 352, () => overrideNiftiField(seed.bytes));
      let bytes = mutated;
      if (seed.gzip) {
        // Compress the mutated header, or cut the compressed stream itself.
        const compressed = zlib.gzipSync(mutation === 'truncate' ? seed.bytes : mutated);
        bytes = mutation === 'truncate' ? compressed.subarray(0, below(compressed.length)) : compressed;
      }
      const file = path.join(tmp, `nifti-${n}-${seed.name}-${mutation}.nii${seed.gzip ? '.gz' : ''}`);
      fs.writeFileSync(file, bytes);
      outcomes.push(await timed(mutation, file, () => readNifti(file)));
    }
    console.log(`NIfTI fuzz (seed ${SEED}), ${outcomes.length} files:\n${tally(outcomes)}`);
    expect(
      outcomes.flatMap((outcome) => (problem(outcome) ? [`${outcome.file} ${problem(outcome)}`] : [])),
    ).toEqual([]);
    // The mutations really hit: many files are refused, and some flips or overrides still read.
    expect(outcomes.filter((o) => o.error).length).toBeGreaterThan(PER_FORMAT / 3);
    expect(outcomes.filter((o) => o.volume).length).toBeGreaterThan(5);
  });

  it(`refuses or reads sanely ${PER_FORMAT} mutated DICOM series`, async () => {
    const syntaxes = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];
    const outcomes: Outcome[] = [];
    for (let n = 0; n < PER_FORMAT; n++) {
      const syntax = syntaxes[n % syntaxes.length];
      const dir = path.join(tmp, `dicom-${n}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'a.dcm'), dicomSlice(0, syntax));
      fs.writeFileSync(path.join(dir, 'c.dcm'), dicomSlice(4, syntax));
      const middle = dicomSlice(2, syntax);
      const pixelTag = middle.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
      const [bytes, mutation] = mutate(middle, pixelTag, () => {
        const [field, values] = pick(Object.entries(DICOM_FIELDS));
        return dicomSlice(2, syntax, { [field]: pick(values) });
      });
      const file = path.join(dir, `b-${mutation}.dcm`);
      fs.writeFileSync(file, bytes);
      outcomes.push(await timed(mutation, file, () => readDicomSeries(dir)));
    }
    console.log(`DICOM fuzz (seed ${SEED}), ${outcomes.length} series:\n${tally(outcomes)}`);
    expect(
      outcomes.flatMap((outcome) => (problem(outcome) ? [`${outcome.file} ${problem(outcome)}`] : [])),
    ).toEqual([]);
    expect(outcomes.filter((o) => o.error).length).toBeGreaterThan(PER_FORMAT / 3);
    expect(outcomes.filter((o) => o.volume).length).toBeGreaterThan(5);
  });
});
