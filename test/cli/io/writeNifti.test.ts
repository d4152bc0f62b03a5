import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNifti } from '../../../cli/src/io/readNifti';
import { writeNifti } from '../../../cli/src/io/writeNifti';
import { Volume, VoxelArray } from '../../../extension/src/engine/volume/Volume';
import { dataRoot } from '../../helpers/dataRoot';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-write-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

// An oblique, right-handed frame: 30° about z, then 20° about x.
const c30 = Math.cos(Math.PI / 6);
const s30 = Math.sin(Math.PI / 6);
const c20 = Math.cos(Math.PI / 9);
const s20 = Math.sin(Math.PI / 9);
const OBLIQUE = [c30, s30, 0, -s30 * c20, c30 * c20, s20, s30 * s20, -c30 * s20, c20];

function volumeOf(data: VoxelArray, direction = OBLIQUE): Volume {
  return {
    data,
    dimensions: [4, 3, 2],
    spacing: [0.75, 1.5, 2.5],
    origin: [-12.5, 30.25, 100.125],
    direction,
  };
}

function expectSameVolume(actual: Volume, expected: Volume): void {
  expect(actual.data.constructor).toBe(expected.data.constructor);
  expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
  expect(actual.dimensions).toEqual(expected.dimensions);
  for (const key of ['spacing', 'origin', 'direction'] as const) {
    expect(actual[key]).toHaveLength(expected[key].length);
    actual[key].forEach((v, n) => expect(Math.abs(v - expected[key][n])).toBeLessThan(1e-5));
  }
}

describe('writeNifti', () => {
  const arrays: [string, () => VoxelArray][] = [
    ['Uint8', () => Uint8Array.from({ length: 24 }, (_, n) => n * 10)],
    ['Int16', () => Int16Array.from({ length: 24 }, (_, n) => n * 1000 - 12000)],
    ['Uint16', () => Uint16Array.from({ length: 24 }, (_, n) => n * 2500)],
    ['Int32', () => Int32Array.from({ length: 24 }, (_, n) => n * 100000 - 1e6)],
    ['Float32', () => Float32Array.from({ length: 24 }, (_, n) => n / 7 - 1)],
    ['Float64', () => Float64Array.from({ length: 24 }, (_, n) => Math.PI * n)],
  ];
  it.each(arrays)('round-trips %s voxels and the geometry through .nii and .nii.gz', async (_, make) => {
    const volume = volumeOf(make());
    for (const name of ['volume.nii', 'volume.nii.gz']) {
      const file = path.join(tmp, name);
      writeNifti(file, volume);
      expectSameVolume(await readNifti(file), volume);
    }
    expect(fs.readFileSync(path.join(tmp, 'volume.nii.gz')).subarray(0, 2)).toEqual(
      Buffer.from([0x1f, 0x8b]),
    );
  });

  // Readers that prefer the qform (or files whose sform is dropped) must see the same geometry.
  it.each([
    ['oblique', OBLIQUE],
    ['LPS identity (180° about z in RAS)', [1, 0, 0, 0, 1, 0, 0, 0, 1]],
    ['left-handed (qfac −1)', [1, 0, 0, 0, -1, 0, 0, 0, 1]],
    ['RAS (180° about x and y combined)', [-1, 0, 0, 0, -1, 0, 0, 0, 1]],
    ['sagittal', [0, 1, 0, 0, 0, -1, -1, 0, 0]],
  ])('writes a qform equivalent to the sform: %s', async (_, direction) => {
    const volume = volumeOf(new Float32Array(24), direction);
    const file = path.join(tmp, 'qform.nii');
    writeNifti(file, volume);
    const bytes = fs.readFileSync(file);
    bytes.writeInt16LE(0, 254); // sform_code = 0: the reader falls back to the quaternion
    fs.writeFileSync(file, bytes);
    expectSameVolume(await readNifti(file), volume);
  });

  it('writes the header fields readers rely on', () => {
    const file = path.join(tmp, 'header.nii');
    writeNifti(file, volumeOf(new Float32Array(24)), { description: 'occlusion map', intent: 'saliency' });
    const bytes = fs.readFileSync(file);
    expect(bytes.readInt32LE(0)).toBe(348);
    expect(bytes.readFloatLE(108)).toBe(352);
    expect(bytes.readUInt8(123)).toBe(2); // mm
    expect(bytes.readInt16LE(252)).toBe(1);
    expect(bytes.readInt16LE(254)).toBe(1);
    expect(bytes.toString('latin1', 148, 161)).toBe('occlusion map');
    expect(bytes.toString('latin1', 328, 336)).toBe('saliency');
    expect(bytes.toString('latin1', 344, 348)).toBe('n+1\0');
    expect(bytes.length).toBe(352 + 24 * 4);
  });

  it('round-trips a real TotalSegmentator MR volume', async () => {
    const original = await readNifti(path.join(dataRoot(), 'totalsegmentator', 'example_mr_sm.nii.gz'));
    const file = path.join(tmp, 'mr.nii.gz');
    writeNifti(file, original);
    expectSameVolume(await readNifti(file), original);
  });

  it('refuses other extensions, unsupported arrays and mismatched grids', () => {
    expect(() => writeNifti(path.join(tmp, 'x.nrrd'), volumeOf(new Float32Array(24)))).toThrow(
      'NIfTI output must be named *.nii or *.nii.gz',
    );
    expect(() => writeNifti(path.join(tmp, 'x.nii'), volumeOf(new Int8Array(24)))).toThrow(
      'Int8Array voxels have no NIfTI datatype here',
    );
    expect(() => writeNifti(path.join(tmp, 'x.nii'), volumeOf(new Float32Array(23)))).toThrow(
      'the volume has 23 voxels but its grid 4×3×2 needs 24',
    );
  });
});
