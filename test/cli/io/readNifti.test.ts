import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { readNifti } from '../../../cli/src/io/readNifti';
import { writeNifti } from '../../../cli/src/io/writeNifti';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { dataRoot } from '../../helpers/dataRoot';

const data = dataRoot();
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-nifti-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function expectClose(actual: number[], expected: number[], digits = 4): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, n) => expect(value).toBeCloseTo(expected[n], digits));
}

/** A small Int16 volume written uncompressed, so that tests can edit its header bytes. */
function smallNifti(name: string, edit?: (header: DataView) => void): string {
  const file = path.join(tmp, name);
  const volume: Volume = {
    data: Int16Array.from({ length: 24 }, (_, n) => n - 5),
    dimensions: [2, 3, 4],
    spacing: [1, 2, 3],
    origin: [0, 0, 0],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
  };
  writeNifti(file, volume);
  if (edit) {
    const bytes = fs.readFileSync(file);
    edit(new DataView(bytes.buffer, bytes.byteOffset, 352));
    fs.writeFileSync(file, bytes);
  }
  return file;
}

describe('readNifti on real data', () => {
  it('reads a CHAOS MR T2 image and its label map (LAS, qform and sform)', async () => {
    const image = await readNifti(path.join(data, 'chaos-mr-t2', 'image_1.nii.gz'));
    expect(image.dimensions).toEqual([256, 256, 37]);
    expectClose(image.spacing, [1.25, 1.25, 7.7]);
    expect(image.data).toBeInstanceOf(Float64Array);
    // srow_x = [-1.25 0 0 192.65], srow_y = [0 1.25 0 -200.66], srow_z = [0 0 7.7 -77.09] (RAS):
    // i runs to the left (+x in LPS), j to the front (−y in LPS), k up.
    expectClose(image.direction, [1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expectClose(image.origin, [-192.6537, 200.6613, -77.0922]);
    let max = -Infinity;
    for (const v of image.data) max = Math.max(max, v);
    expect(Math.min(...image.data.subarray(0, 1000))).toBeGreaterThanOrEqual(0);
    expect(max).toBeGreaterThan(100);
    expect(max).toBeLessThanOrEqual(1316);

    const label = await readNifti(path.join(data, 'chaos-mr-t2', 'label_1.nii.gz'));
    expect(label.dimensions).toEqual(image.dimensions);
    expectClose(label.origin, image.origin);
    expect([...new Set(label.data)].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads TotalSegmentator CT stored in RAS orientation (sform code 2)', async () => {
    const ct = await readNifti(path.join(data, 'totalsegmentator', 'example_ct_sm.nii.gz'));
    expect(ct.dimensions).toEqual([122, 101, 30]);
    expect(ct.data).toBeInstanceOf(Int16Array);
    expectClose(ct.spacing, [3, 3, 3]);
    // srow = diag(3, 3, 3) + (−177.956, 11.319, 94.302): RAS axes, so i → −x and j → −y in LPS.
    expectClose(ct.direction, [-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expectClose(ct.origin, [177.95633, -11.319, 94.30176]);
    let min = Infinity;
    for (const v of ct.data) min = Math.min(min, v);
    expect(min).toBeLessThan(-900); // air in HU
  });

  it('reads TotalSegmentator MR stored in LPS orientation', async () => {
    const mr = await readNifti(path.join(data, 'totalsegmentator', 'example_mr_sm.nii.gz'));
    expect(mr.dimensions).toEqual([117, 91, 20]);
    expect(mr.data).toBeInstanceOf(Int16Array);
    // srow = diag(−3, −3, 3) + (168.600, 166.359, 28.990): already LPS, so the identity.
    expectClose(mr.direction, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expectClose(mr.origin, [-168.59964, -166.35944, 28.98964]);
    expectClose(mr.spacing, [3, 3, 3]);
  });

  it('detects gzip by its magic bytes, not by the file name', async () => {
    const renamed = path.join(tmp, 'compressed-but-named.nii');
    fs.copyFileSync(path.join(data, 'totalsegmentator', 'example_seg_mr.nii.gz'), renamed);
    const volume = await readNifti(renamed);
    expect(volume.dimensions).toEqual([117, 91, 20]);
    expect(volume.data).toBeInstanceOf(Uint8Array);
  });
});

describe('readNifti header handling', () => {
  it('applies scl_slope and scl_inter as Float32', async () => {
    const file = smallNifti('scaled.nii', (header) => {
      header.setFloat32(112, 2, true);
      header.setFloat32(116, -10, true);
    });
    const volume = await readNifti(file);
    expect(volume.data).toBeInstanceOf(Float32Array);
    expect(Array.from(volume.data.subarray(0, 3))).toEqual([-20, -18, -16]);
  });

  it('keeps the stored type when the slope is 0 or (1, 0)', async () => {
    const file = smallNifti('unscaled.nii', (header) => header.setFloat32(112, 0, true));
    const volume = await readNifti(file);
    expect(volume.data).toBeInstanceOf(Int16Array);
    expect(volume.data[0]).toBe(-5);
  });

  it('accepts 4-D images with a single time point and 2-D images', async () => {
    const fourD = await readNifti(
      smallNifti('t1.nii', (header) => {
        header.setInt16(40, 4, true);
        header.setInt16(48, 1, true);
      }),
    );
    expect(fourD.dimensions).toEqual([2, 3, 4]);
    const twoD = await readNifti(
      smallNifti('flat.nii', (header) => {
        header.setInt16(40, 2, true);
        header.setInt16(46, 1, true);
      }),
    );
    expect(twoD.dimensions).toEqual([2, 3, 1]);
  });

  it('uses pixdim alone when neither sform nor qform is set', async () => {
    const volume = await readNifti(
      smallNifti('analyze.nii', (header) => {
        header.setInt16(252, 0, true);
        header.setInt16(254, 0, true);
      }),
    );
    expectClose(volume.spacing, [1, 2, 3]);
    expectClose(volume.direction, [-1, 0, 0, 0, -1, 0, 0, 0, 1]);
    expectClose(volume.origin, [0, 0, 0]);
  });

  it('converts metres to millimetres', async () => {
    const volume = await readNifti(smallNifti('metres.nii', (header) => header.setUint8(123, 1)));
    expectClose(volume.spacing, [1000, 2000, 3000]);
  });
});

describe('readNifti errors', () => {
  it('names a missing file', async () => {
    const missing = path.join(tmp, 'nope.nii.gz');
    await expect(readNifti(missing)).rejects.toThrow(`Input file not found: ${missing}. Check the path`);
  });

  it('rejects a file that is not NIfTI, compressed or not', async () => {
    const garbage = path.join(tmp, 'garbage.nii');
    fs.writeFileSync(garbage, 'this is not an image\n'.repeat(40));
    await expect(readNifti(garbage)).rejects.toThrow(
      `${garbage} is not a readable NIfTI-1/2 file: it has no NIfTI magic number`,
    );
    const gzipped = path.join(tmp, 'garbage.nii.gz');
    fs.writeFileSync(gzipped, zlib.gzipSync(Buffer.from('not an image either')));
    await expect(readNifti(gzipped)).rejects.toThrow(
      'is not a readable NIfTI-1/2 file: it has no NIfTI magic',
    );
    const broken = path.join(tmp, 'broken.nii.gz');
    fs.writeFileSync(broken, Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8]));
    await expect(readNifti(broken)).rejects.toThrow('its gzip stream is damaged');
  });

  it('rejects a truncated file', async () => {
    const file = smallNifti('truncated.nii');
    fs.truncateSync(file, 352 + 10);
    await expect(readNifti(file)).rejects.toThrow('it is truncated');
  });

  it('rejects several time points', async () => {
    const file = smallNifti('t2.nii', (header) => {
      header.setInt16(40, 4, true);
      header.setInt16(48, 2, true);
    });
    await expect(readNifti(file)).rejects.toThrow('has 4 dimensions (2×3×4×2); only 2-D and 3-D images');
  });

  it('names an unsupported datatype', async () => {
    const file = smallNifti('int8.nii', (header) => {
      header.setInt16(70, 256, true);
      header.setInt16(72, 8, true);
    });
    await expect(readNifti(file)).rejects.toThrow(
      'stores voxels as NIfTI datatype 256, which is not supported',
    );
  });
});
