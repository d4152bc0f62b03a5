import * as fs from 'fs';
import { Vec3, Volume, VoxelArray } from '@xai-clip/engine';
import { asVolumeReadError } from './asVolumeReadError';
import { checkMemoryEstimate, DEFAULT_MAX_VOLUME_BYTES } from './checkMemoryEstimate';
import { checkVoxelSize } from './checkVoxelSize';
import { readDecompressedPrefix } from './readDecompressedPrefix';
import { VolumeReadError } from './VolumeReadError';
// nifti-reader-js ships as ES modules only: loaded with import() (hence readNifti is async).
type NiftiReader = typeof import('nifti-reader-js', { with: { 'resolution-mode': 'import' } });
type NiftiHeader = ReturnType<NiftiReader['readHeader']>;

let niftiReader: Promise<NiftiReader> | undefined;

// NIfTI datatype code → typed array, for the datatypes the engine's Volume can hold.
const ARRAYS: Record<number, { make: (buffer: ArrayBuffer) => VoxelArray; bytes: number }> = {
  2: { make: (b) => new Uint8Array(b), bytes: 1 },
  4: { make: (b) => new Int16Array(b), bytes: 2 },
  8: { make: (b) => new Int32Array(b), bytes: 4 },
  16: { make: (b) => new Float32Array(b), bytes: 4 },
  64: { make: (b) => new Float64Array(b), bytes: 8 },
  512: { make: (b) => new Uint16Array(b), bytes: 2 },
};

// A NIfTI-2 header and its extension flag (a NIfTI-1 header is shorter).
const HEADER_BYTES = 544;

/** What readNifti may accept. */
export interface ReadNiftiOptions {
  /** Most memory (bytes) the voxels may take; default DEFAULT_MAX_VOLUME_BYTES. */
  maxBytes?: number;
}

/**
 * Reads a NIfTI-1 or NIfTI-2 image (.nii, or gzip-compressed, whatever the file is called) into
 * a Volume in LPS millimetres.
 *
 * Voxels keep their stored type, unless scl_slope/scl_inter rescale them (then Float32).
 * Geometry comes from the sform when sform_code > 0, else from the qform quaternion, else
 * from pixdim alone; the RAS affine is turned into LPS by negating its x and y rows, and metres
 * or micrometres (xyzt_units) into millimetres.
 *
 * The header is checked before the voxels are read: the memory they need against
 * `options.maxBytes`, the voxel size (see VOXEL_SIZE_RANGE_MM), a sheared or non-numeric affine.
 * Only the bytes the header declares are inflated, so a gzip bomb cannot exhaust memory. Every
 * refusal is a VolumeReadError naming the file and what to do.
 * Async because nifti-reader-js can only be loaded with `import()` (see above).
 */
export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<Volume> {
  if (!fs.existsSync(path) || !fs.statSync(path).isFile()) {
    throw new VolumeReadError(
      path,
      `Input file not found: ${path}. Check the path (relative paths start at ${process.cwd()}).`,
    );
  }
  try {
    return await readFile(path, options.maxBytes ?? DEFAULT_MAX_VOLUME_BYTES);
  } catch (error) {
    throw asVolumeReadError(path, 'NIfTI-1/2 file', error);
  }
}

async function readFile(path: string, maxBytes: number): Promise<Volume> {
  const fail = (reason: string): VolumeReadError =>
    new VolumeReadError(
      path,
      `${path} is not a readable NIfTI-1/2 file: ${reason}. ` +
        'Check that it was copied completely, or convert it with a tool such as dcm2niix or nibabel.',
    );
  const read = async (length: number): Promise<Buffer> => {
    try {
      return await readDecompressedPrefix(path, length);
    } catch (error) {
      throw Object.assign(fail('its gzip stream is damaged or cut short'), { cause: error });
    }
  };
  const head = await read(HEADER_BYTES);
  const headData = head.buffer.slice(head.byteOffset, head.byteOffset + head.byteLength) as ArrayBuffer;

  niftiReader ??= import('nifti-reader-js');
  const nifti = await niftiReader;
  if (!nifti.isNIFTI(headData)) {
    throw fail(
      nifti.isNIFTI(headData, true)
        ? 'it is the header of a .hdr/.img pair, which is not supported; save the image as a single .nii'
        : 'it has no NIfTI magic number',
    );
  }
  let header: NiftiHeader;
  try {
    header = nifti.readHeader(headData);
  } catch (error) {
    throw Object.assign(fail('its header is damaged or cut short'), { cause: error });
  }
  const isNifti2 = header instanceof nifti.NIFTI2;

  // Accept 2-D and 3-D images, and higher ranks whose extra dimensions are all 1 (4-D with t = 1).
  const rank = header.dims[0];
  const extra = header.dims.slice(4, Math.max(4, rank + 1));
  if (rank < 2 || rank > 7 || extra.some((n) => n !== 1)) {
    throw new VolumeReadError(
      path,
      `${path} has ${rank} dimensions (${header.dims.slice(1, rank + 1).join('×')}); only 2-D and 3-D ` +
        'images (or 4-D with one time point) are supported. Extract a single 3-D volume first, e.g. with fslroi.',
    );
  }
  const dimensions: Vec3 = [header.dims[1], header.dims[2], rank >= 3 ? header.dims[3] : 1];
  if (dimensions.some((n) => !Number.isInteger(n) || n < 1)) {
    throw fail(`its dimensions ${dimensions.join('×')} are not positive`);
  }

  const type = ARRAYS[header.datatypeCode];
  if (!type) {
    throw new VolumeReadError(
      path,
      `${path} stores voxels as NIfTI datatype ${header.datatypeCode}, which is not supported; ` +
        'supported: uint8, int16, uint16, int32, float32, float64. Convert it, e.g. with fslmaths -odt float.',
    );
  }
  const count = dimensions[0] * dimensions[1] * dimensions[2];
  const offset = Number(header.vox_offset);
  const headerSize = isNifti2 ? 540 : 348;
  if (!(Number.isInteger(offset) && offset >= headerSize)) {
    throw fail(`its vox_offset ${header.vox_offset} does not point past its ${headerSize}-byte header`);
  }
  const slope = header.scl_slope;
  const inter = header.scl_inter;
  const scaled =
    Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (inter === 0 || !Number.isFinite(inter)));
  const voxelBytes = count * type.bytes;
  checkMemoryEstimate(
    path,
    offset + voxelBytes + (scaled ? count * 4 : 0),
    `${dimensions.join('×')} voxels × ${type.bytes} bytes${scaled ? ', then 4 bytes each once rescaled' : ''}`,
    maxBytes,
  );
  const geometry = geometryOf(header, headData, isNifti2, fail, path);

  // One byte more than needed: a file that ends right after its voxels must then end cleanly, so a
  // gzip stream that lost its trailer (checksum and length) is found out.
  const bytes = await read(offset + voxelBytes + 1);
  if (bytes.length < offset + voxelBytes) {
    throw fail(
      `it is truncated (${voxelBytes} bytes of voxels expected after byte ${offset}, ` +
        `but its content ends at byte ${bytes.length})`,
    );
  }
  const raw = bytes.buffer.slice(
    bytes.byteOffset + offset,
    bytes.byteOffset + offset + voxelBytes,
  ) as ArrayBuffer;
  if (!header.littleEndian && type.bytes > 1) swapBytes(new Uint8Array(raw), type.bytes);
  let voxels = type.make(raw);

  if (scaled) {
    const rescaled = new Float32Array(count);
    const offsetValue = Number.isFinite(inter) ? inter : 0;
    for (let n = 0; n < count; n++) rescaled[n] = voxels[n] * slope + offsetValue;
    voxels = rescaled;
  }
  const notFinite = countNotFinite(voxels);
  if (notFinite > 0) {
    throw new VolumeReadError(
      path,
      `${path} has ${notFinite} voxel${notFinite > 1 ? 's' : ''} that ${notFinite > 1 ? 'are' : 'is'} not a finite ` +
        `number (NaN or infinite${scaled ? `, after scl_slope ${slope} and scl_inter ${inter}` : ''}); a model ` +
        'cannot segment them. Replace them first, e.g. `fslmaths in.nii.gz -nan out.nii.gz`, or check the scaling.',
    );
  }
  return { data: voxels, dimensions, ...geometry };
}

/** How many values are NaN or ±Infinity (integer arrays have none). */
function countNotFinite(values: VoxelArray): number {
  if (!(values instanceof Float32Array || values instanceof Float64Array)) return 0;
  let count = 0;
  for (let n = 0; n < values.length; n++) if (!Number.isFinite(values[n])) count++;
  return count;
}

/** Spacing, origin and direction (LPS) from the header's sform, qform or pixdim. */
function geometryOf(
  header: NiftiHeader,
  data: ArrayBuffer,
  isNifti2: boolean,
  fail: (reason: string) => Error,
  path: string,
): Pick<Volume, 'spacing' | 'origin' | 'direction'> {
  const pix = header.pixDims;
  let affine: number[][]; // 3×4, RAS
  const source = header.sform_code > 0 ? 'sform' : header.qform_code > 0 ? 'qform and pixdim' : 'pixdim';
  if (header.sform_code > 0) {
    // Read srow_* ourselves: nifti-reader-js prefers the qform when its code is higher.
    const view = new DataView(data);
    affine = [0, 1, 2].map((row) =>
      [0, 1, 2, 3].map((col) =>
        isNifti2
          ? view.getFloat64(400 + (row * 4 + col) * 8, header.littleEndian)
          : view.getFloat32(280 + (row * 4 + col) * 4, header.littleEndian),
      ),
    );
  } else if (header.qform_code > 0) {
    const [b, c, d] = [header.quatern_b, header.quatern_c, header.quatern_d];
    const a = Math.sqrt(Math.max(0, 1 - b * b - c * c - d * d)); // clamped against rounding
    const qfac = pix[0] < 0 ? -1 : 1;
    const rotation = [
      [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
      [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
      [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c],
    ];
    const offset = [header.qoffset_x, header.qoffset_y, header.qoffset_z];
    affine = rotation.map((row, r) => [row[0] * pix[1], row[1] * pix[2], row[2] * pix[3] * qfac, offset[r]]);
  } else {
    affine = [
      [pix[1], 0, 0, 0],
      [0, pix[2], 0, 0],
      [0, 0, pix[3], 0],
    ];
  }
  const usedPixdim =
    header.sform_code > 0 ? [] : pix.slice(1, header.dims[0] >= 3 && header.dims[3] > 1 ? 4 : 3);
  if (!usedPixdim.every((v) => v > 0 && Number.isFinite(v))) {
    throw fail(`its pixdim ${pix.slice(1, 4).join(', ')} are not all positive voxel sizes`);
  }
  if (!affine.flat().every(Number.isFinite)) {
    throw fail(
      `its ${source} hold values that are not numbers (${affine.map((row) => row.join(' ')).join('; ')})`,
    );
  }
  // RAS → LPS, then to mm when the header says metres or microns.
  const unitCode = header.xyzt_units & 7;
  const unit = UNITS[unitCode];
  if (!unit) {
    throw fail(`its xyzt_units give spatial unit code ${unitCode}, which NIfTI does not define (0 to 3)`);
  }
  const lps = affine.map((row, r) => row.map((v) => (r < 2 ? -v : v) * unit.mm));

  const columns = [0, 1, 2].map((c) => [lps[0][c], lps[1][c], lps[2][c]]);
  const spacing = columns.map((v) => Math.hypot(v[0], v[1], v[2])) as Vec3;
  if (!(spacing[0] > 0 && spacing[1] > 0)) {
    throw fail(`its affine gives the i or j axis a zero or invalid length (spacing ${spacing.join(', ')})`);
  }
  const axes = columns.map((v, c) => v.map((x) => x / spacing[c]));
  if (!(spacing[2] > 0) && header.dims[0] >= 3 && header.dims[3] > 1) {
    throw fail(`its ${source} give the slice axis of its ${header.dims[3]} slices a zero length`);
  }
  // A 2-D image may have pixdim[3] = 0: take the slice axis normal to the plane, 1 mm apart.
  if (!(spacing[2] > 0)) {
    const [u, w] = axes;
    axes[2] = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
    spacing[2] = 1;
  }
  const shear = Math.max(
    ...[
      [0, 1],
      [0, 2],
      [1, 2],
    ].map(([a, b]) => Math.abs(dot(axes[a], axes[b]))),
  );
  if (shear > 1e-2) {
    throw fail(
      `its ${source} shear the voxel grid (its axes meet at ${Math.round((Math.acos(shear) * 180) / Math.PI)}°, ` +
        'not 90°, as after a tilted CT gantry); resample it to a rectilinear grid first (dcm2niix corrects gantry tilt)',
    );
  }
  checkVoxelSize(
    path,
    spacing,
    `its ${source} in ${unit.name}`,
    unit.name === 'millimetres'
      ? 'Check pixdim and the sform/qform in its header (e.g. with fslhd or nibabel) and correct them.'
      : `If its lengths are in fact millimetres, set its xyzt_units to millimetres (nibabel: ` +
          "img.header.set_xyzt_units('mm')); otherwise correct pixdim and the sform/qform.",
  );
  return {
    spacing,
    origin: [lps[0][3], lps[1][3], lps[2][3]],
    direction: axes.flat().map((v) => v + 0), // + 0 turns −0 into 0
  };
}

/** NIfTI's spatial unit codes (xyzt_units & 7): 0 says nothing, read as millimetres. */
const UNITS: Record<number, { mm: number; name: string }> = {
  0: { mm: 1, name: 'millimetres' },
  1: { mm: 1000, name: 'metres' },
  2: { mm: 1, name: 'millimetres' },
  3: { mm: 0.001, name: 'micrometres' },
};

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Reverses the bytes of every `size`-byte element in place (big-endian files). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let n = 0; n < bytes.length; n += size) bytes.subarray(n, n + size).reverse();
}
