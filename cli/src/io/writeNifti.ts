import * as fs from 'fs';
import * as nodePath from 'path';
import * as zlib from 'zlib';
import { writeFileAtomic } from './writeFileAtomic';
import { Volume } from '@xai-clip/engine';

const HEADER_BYTES = 348;
const VOXEL_OFFSET = 352; // header + the 4-byte "no extensions" flag

// Keyed by the array's toStringTag rather than instanceof, which fails for arrays from another realm.
const DATATYPES: Record<string, { code: number; bits: number }> = {
  Uint8Array: { code: 2, bits: 8 },
  Int16Array: { code: 4, bits: 16 },
  Int32Array: { code: 8, bits: 32 },
  Float32Array: { code: 16, bits: 32 },
  Float64Array: { code: 64, bits: 64 },
  Uint16Array: { code: 512, bits: 16 },
};

/**
 * Writes a volume as a single-file NIfTI-1 image, gzip-compressed when the name ends in .gz,
 * whole or not at all (writeFileAtomic).
 *
 * The NIfTI datatype follows the voxel array (uint8, int16, uint16, int32, float32, float64).
 * Both sform and qform are set with code 1 (scanner) from the LPS geometry turned into RAS, so
 * every reader finds the same geometry whichever transform it prefers. `description` goes into
 * `descrip` (79 bytes) and `intent` into `intent_name` (15 bytes).
 */
export function writeNifti(
  path: string,
  volume: Volume,
  options: { description?: string; intent?: string } = {},
): void {
  const lower = path.toLowerCase();
  const gzip = lower.endsWith('.nii.gz');
  if (!gzip && !lower.endsWith('.nii')) {
    throw new Error(`Cannot write ${path}: NIfTI output must be named *.nii or *.nii.gz.`);
  }
  const { data, dimensions, spacing, origin, direction: d } = volume;
  const type = DATATYPES[data[Symbol.toStringTag]];
  if (!type) {
    throw new Error(
      `Cannot write ${path}: ${data[Symbol.toStringTag]} voxels have no NIfTI datatype here; ` +
        'convert them to Uint8, Int16, Uint16, Int32, Float32 or Float64 first.',
    );
  }
  if (data.length !== dimensions[0] * dimensions[1] * dimensions[2]) {
    throw new Error(
      `Cannot write ${path}: the volume has ${data.length} voxels but its grid ${dimensions.join('×')} needs ` +
        `${dimensions[0] * dimensions[1] * dimensions[2]}.`,
    );
  }

  // RAS affine: LPS columns scaled by the spacing, with x and y negated.
  const flip = [-1, -1, 1];
  const axes = [0, 1, 2].map((c) => [0, 1, 2].map((r) => d[c * 3 + r] * flip[r]));
  const affine = [0, 1, 2].map((r) => [
    axes[0][r] * spacing[0],
    axes[1][r] * spacing[1],
    axes[2][r] * spacing[2],
    origin[r] * flip[r],
  ]);
  const { quaternion, qfac } = quaternionOf(axes);

  const header = new DataView(new ArrayBuffer(VOXEL_OFFSET));
  const int16 = (at: number, v: number) => header.setInt16(at, v, true);
  const float32 = (at: number, v: number) => header.setFloat32(at, v, true);
  const text = (at: number, bytes: number, value: string) =>
    new Uint8Array(header.buffer, at, bytes - 1).set(Buffer.from(value, 'latin1').subarray(0, bytes - 1));

  header.setInt32(0, HEADER_BYTES, true);
  [3, dimensions[0], dimensions[1], dimensions[2], 1, 1, 1, 1].forEach((v, n) => int16(40 + n * 2, v));
  int16(70, type.code);
  int16(72, type.bits);
  [qfac, spacing[0], spacing[1], spacing[2], 0, 0, 0, 0].forEach((v, n) => float32(76 + n * 4, v));
  float32(108, VOXEL_OFFSET);
  float32(112, 1); // scl_slope 1, scl_inter 0: values are stored as they are
  header.setUint8(123, 2); // xyzt_units: mm
  text(148, 80, options.description ?? '');
  int16(252, 1); // qform_code: scanner
  int16(254, 1); // sform_code: scanner
  quaternion.forEach((v, n) => float32(256 + n * 4, v));
  [0, 1, 2].forEach((r) => float32(268 + r * 4, affine[r][3]));
  affine.forEach((row, r) => row.forEach((v, c) => float32(280 + r * 16 + c * 4, v)));
  text(328, 16, options.intent ?? '');
  text(344, 4, 'n+1');

  // Typed arrays are little-endian on every platform Node runs on, as the header says.
  const voxels = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const file = Buffer.concat([Buffer.from(header.buffer), voxels]);
  fs.mkdirSync(nodePath.dirname(nodePath.resolve(path)), { recursive: true });
  // Level 1 as nibabel does: masks and maps shrink almost as much, several times faster.
  writeFileAtomic(path, gzip ? zlib.gzipSync(file, { level: 1 }) : file);
}

/**
 * quatern_b/c/d and qfac of a rotation whose columns are the RAS unit axes, as in nifti1_io's
 * nifti_mat44_to_quatern: a left-handed frame gets qfac = −1 and its k axis negated.
 */
function quaternionOf(axes: number[][]): { quaternion: number[]; qfac: number } {
  const [u, v, w] = axes;
  const det =
    u[0] * (v[1] * w[2] - v[2] * w[1]) -
    v[0] * (u[1] * w[2] - u[2] * w[1]) +
    w[0] * (u[1] * v[2] - u[2] * v[1]);
  const qfac = det < 0 ? -1 : 1;
  // r[row][col]
  const r = [0, 1, 2].map((row) => [u[row], v[row], w[row] * qfac]);
  let a = r[0][0] + r[1][1] + r[2][2] + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r[2][1] - r[1][2])) / a;
    c = (0.25 * (r[0][2] - r[2][0])) / a;
    d = (0.25 * (r[1][0] - r[0][1])) / a;
  } else {
    const xd = 1 + r[0][0] - (r[1][1] + r[2][2]);
    const yd = 1 + r[1][1] - (r[0][0] + r[2][2]);
    const zd = 1 + r[2][2] - (r[0][0] + r[1][1]);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r[0][1] + r[1][0])) / b;
      d = (0.25 * (r[0][2] + r[2][0])) / b;
      a = (0.25 * (r[2][1] - r[1][2])) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r[0][1] + r[1][0])) / c;
      d = (0.25 * (r[1][2] + r[2][1])) / c;
      a = (0.25 * (r[0][2] - r[2][0])) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r[0][2] + r[2][0])) / d;
      c = (0.25 * (r[1][2] + r[2][1])) / d;
      a = (0.25 * (r[1][0] - r[0][1])) / d;
    }
    // The reader recovers a as +sqrt(1 − b² − c² − d²), so keep a ≥ 0.
    if (a < 0) [b, c, d] = [-b, -c, -d];
  }
  return { quaternion: [b, c, d], qfac };
}
