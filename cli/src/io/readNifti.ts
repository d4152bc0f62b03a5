import * as fs from 'fs';
import * as zlib from 'zlib';
import { Vec3, Volume, VoxelArray } from '@xai-clip/engine';

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

/**
 * Reads a NIfTI-1 or NIfTI-2 image (.nii, or gzip-compressed, whatever the file is called) into
 * a Volume in LPS millimetres.
 *
 * Voxels keep their stored type, unless scl_slope/scl_inter rescale them (then Float32).
 * Geometry comes from the sform when sform_code > 0, else from the qform quaternion, else
 * from pixdim alone; the RAS affine is turned into LPS by negating its x and y rows.
 * Async because nifti-reader-js can only be loaded with `import()` (see above).
 */
export async function readNifti(path: string): Promise<Volume> {
  if (!fs.existsSync(path) || !fs.statSync(path).isFile()) {
    throw new Error(
      `Input file not found: ${path}. Check the path (relative paths start at ${process.cwd()}).`,
    );
  }
  const fail = (reason: string): Error =>
    new Error(
      `${path} is not a readable NIfTI-1/2 file: ${reason}. ` +
        'Check that it was copied completely, or convert it with a tool such as dcm2niix or nibabel.',
    );
  let bytes: Buffer = fs.readFileSync(path);
  // gzip is recognised by its magic bytes so that misnamed files still load.
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = zlib.gunzipSync(bytes);
    } catch (error) {
      throw fail(`its gzip stream is damaged (${(error as Error).message})`);
    }
  }
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

  niftiReader ??= import('nifti-reader-js');
  const nifti = await niftiReader;
  if (!nifti.isNIFTI(data)) {
    throw fail(
      nifti.isNIFTI(data, true)
        ? 'it is the header of a .hdr/.img pair, which is not supported; save the image as a single .nii'
        : 'it has no NIfTI magic number',
    );
  }
  let header: NiftiHeader;
  try {
    header = nifti.readHeader(data);
  } catch (error) {
    throw fail((error as Error).message);
  }

  // Accept 2-D and 3-D images, and higher ranks whose extra dimensions are all 1 (4-D with t = 1).
  const rank = header.dims[0];
  const extra = header.dims.slice(4, Math.max(4, rank + 1));
  if (rank < 2 || rank > 7 || extra.some((n) => n !== 1)) {
    throw new Error(
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
    throw new Error(
      `${path} stores voxels as NIfTI datatype ${header.datatypeCode}, which is not supported; ` +
        'supported: uint8, int16, uint16, int32, float32, float64. Convert it, e.g. with fslmaths -odt float.',
    );
  }
  const count = dimensions[0] * dimensions[1] * dimensions[2];
  const offset = Number(header.vox_offset);
  if (offset + count * type.bytes > data.byteLength) {
    throw fail(`it is truncated (${count * type.bytes} bytes of voxels expected after byte ${offset})`);
  }
  const raw = data.slice(offset, offset + count * type.bytes);
  if (!header.littleEndian && type.bytes > 1) swapBytes(new Uint8Array(raw), type.bytes);
  let voxels = type.make(raw);

  const slope = header.scl_slope;
  const inter = header.scl_inter;
  if (Number.isFinite(slope) && slope !== 0 && !(slope === 1 && (inter === 0 || !Number.isFinite(inter)))) {
    const scaled = new Float32Array(count);
    const offsetValue = Number.isFinite(inter) ? inter : 0;
    for (let n = 0; n < count; n++) scaled[n] = voxels[n] * slope + offsetValue;
    voxels = scaled;
  }

  return { data: voxels, dimensions, ...geometryOf(header, data, header instanceof nifti.NIFTI2, fail) };
}

/** Spacing, origin and direction (LPS) from the header's sform, qform or pixdim. */
function geometryOf(
  header: NiftiHeader,
  data: ArrayBuffer,
  isNifti2: boolean,
  fail: (reason: string) => Error,
): Pick<Volume, 'spacing' | 'origin' | 'direction'> {
  const pix = header.pixDims;
  let affine: number[][]; // 3×4, RAS
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
  // RAS → LPS, then to mm when the header says metres or microns.
  const unit = { 1: 1000, 3: 0.001 }[header.xyzt_units & 7] ?? 1;
  const lps = affine.map((row, r) => row.map((v) => (r < 2 ? -v : v) * unit));

  const columns = [0, 1, 2].map((c) => [lps[0][c], lps[1][c], lps[2][c]]);
  const spacing = columns.map((v) => Math.hypot(v[0], v[1], v[2])) as Vec3;
  if (!(spacing[0] > 0 && spacing[1] > 0)) {
    throw fail(`its affine gives the i or j axis a zero or invalid length (spacing ${spacing.join(', ')})`);
  }
  const axes = columns.map((v, c) => v.map((x) => x / spacing[c]));
  // A 2-D image may have pixdim[3] = 0: take the slice axis normal to the plane, 1 mm apart.
  if (!(spacing[2] > 0)) {
    const [u, w] = axes;
    axes[2] = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
    spacing[2] = 1;
  }
  return {
    spacing,
    origin: [lps[0][3], lps[1][3], lps[2][3]],
    direction: axes.flat().map((v) => v + 0), // + 0 turns −0 into 0
  };
}

/** Reverses the bytes of every `size`-byte element in place (big-endian files). */
function swapBytes(bytes: Uint8Array, size: number): void {
  for (let n = 0; n < bytes.length; n += size) bytes.subarray(n, n + size).reverse();
}
