import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { readNifti } from '../../../cli/src/io/readNifti';
import { VolumeReadError } from '../../../cli/src/io/VolumeReadError';
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
    const volume = await readNifti(smallNifti('metres.nii', (header) => inUnits(header, 1, 0.001)));
    expectClose(volume.spacing, [1, 2, 3]);
  });
});

/** Declares xyzt_units `code` and scales pixdim, the qform offset and the sform by `factor` to match. */
function inUnits(header: DataView, code: number, factor: number): void {
  header.setUint8(123, code);
  const scale = (at: number) => header.setFloat32(at, header.getFloat32(at, true) * factor, true);
  [80, 84, 88, 268, 272, 276].forEach(scale);
  for (let n = 0; n < 12; n++) scale(280 + n * 4);
}

/** A gzip stream of `megabytes` MB of zeros after `head`, made of concatenated members (cheap to build). */
function gzipBomb(head: Buffer, megabytes: number): Buffer {
  const member = zlib.gzipSync(Buffer.alloc(1e6), { level: 9 });
  return Buffer.concat([zlib.gzipSync(head), ...Array.from({ length: megabytes }, () => member)]);
}

describe('readNifti refuses impossible headers before allocating (issue 21, findings 3 and 9)', () => {
  it('refuses a header in micrometres whose voxels would be 1 µm, naming the unit and the fix', async () => {
    const file = smallNifti('microns.nii', (header) => header.setUint8(123, 3));
    const start = performance.now();
    const error = readNifti(file);
    await expect(error).rejects.toBeInstanceOf(VolumeReadError);
    await expect(error).rejects.toThrow(
      `${file} gives voxels of 0.001 × 0.002 × 0.003 mm (from its sform in micrometres), outside the 0.01–500 mm`,
    );
    await expect(error).rejects.toThrow("img.header.set_xyzt_units('mm')");
    expect(performance.now() - start).toBeLessThan(10_000); // refused before reading: no minutes-long hang
    // Metres that make voxels metres wide are refused the same way.
    await expect(
      readNifti(smallNifti('metre-voxels.nii', (header) => header.setUint8(123, 1))),
    ).rejects.toThrow('gives voxels of 1000 × 2000 × 3000 mm (from its sform in metres)');
  });

  it('refuses pixdim 0, NaN or negative where pixdim places the voxels', async () => {
    const pixdimOnly = (value: number) => (header: DataView) => {
      header.setInt16(252, 0, true);
      header.setInt16(254, 0, true);
      header.setFloat32(84, value, true);
    };
    for (const [name, value] of [
      ['zero', 0],
      ['nan', NaN],
      ['negative', -2],
    ] as const) {
      await expect(readNifti(smallNifti(`pixdim-${name}.nii`, pixdimOnly(value)))).rejects.toThrow(
        `its pixdim 1, ${value}, 3 are not all positive voxel sizes`,
      );
    }
    // A zero slice spacing in the sform of a 3-D image, and a NaN in it.
    await expect(
      readNifti(smallNifti('sform-flat.nii', (header) => header.setFloat32(280 + 40, 0, true))),
    ).rejects.toThrow('its sform give the slice axis of its 4 slices a zero length');
    await expect(
      readNifti(smallNifti('sform-nan.nii', (header) => header.setFloat32(280 + 12, NaN, true))),
    ).rejects.toThrow('its sform hold values that are not numbers');
  });

  it('refuses a sheared sform and a spatial unit NIfTI does not define', async () => {
    await expect(
      readNifti(smallNifti('sheared.nii', (header) => header.setFloat32(280 + 4, 1, true))),
    ).rejects.toThrow('its sform shear the voxel grid (its axes meet at 63°, not 90°');
    await expect(readNifti(smallNifti('unit-5.nii', (header) => header.setUint8(123, 5)))).rejects.toThrow(
      'its xyzt_units give spatial unit code 5, which NIfTI does not define',
    );
  });

  it('estimates the memory of absurd dimensions before allocating anything', async () => {
    const file = smallNifti('huge.nii', (header) =>
      [1, 2, 3].forEach((n) => header.setInt16(40 + n * 2, 30000, true)),
    );
    const error = readNifti(file);
    await expect(error).rejects.toThrow(
      `${file} would take about 5.40e+4 GB of memory (30000×30000×30000 voxels × 2 bytes), more than the 4.00 GB`,
    );
    // A caller's own limit.
    await expect(readNifti(smallNifti('small.nii'), { maxBytes: 300 })).rejects.toThrow(
      'would take about 4.00e-7 GB of memory (2×3×4 voxels × 2 bytes), more than the 3.00e-7 GB',
    );
  });

  it('refuses a 512 MB gzip bomb without inflating it', async () => {
    const zeros = path.join(tmp, 'zeros.nii.gz');
    fs.writeFileSync(zeros, gzipBomb(Buffer.alloc(0), 512));
    const header = fs.readFileSync(smallNifti('bomb-header.nii')).subarray(0, 352);
    [1, 2, 3].forEach((n) => new DataView(header.buffer, header.byteOffset).setInt16(40 + n * 2, 1024, true));
    const declared = path.join(tmp, 'declared.nii.gz');
    fs.writeFileSync(declared, gzipBomb(header, 512));
    const before = process.memoryUsage().rss;
    const start = performance.now();
    await expect(readNifti(zeros)).rejects.toThrow(
      `${zeros} is not a readable NIfTI-1/2 file: it has no NIfTI magic number`,
    );
    await expect(readNifti(declared, { maxBytes: 1e9 })).rejects.toThrow(
      'would take about 2.15 GB of memory (1024×1024×1024 voxels × 2 bytes), more than the 1.00 GB',
    );
    expect(performance.now() - start).toBeLessThan(10_000); // refused before reading: no minutes-long hang
    expect(process.memoryUsage().rss - before).toBeLessThan(100e6);
  });

  it('reads only the voxels a gzip file declares, ignoring a tail of zeros', async () => {
    const file = fs.readFileSync(smallNifti('tail.nii'));
    const tailed = path.join(tmp, 'tail.nii.gz');
    fs.writeFileSync(tailed, gzipBomb(file, 64));
    const volume = await readNifti(tailed);
    expect(Array.from(volume.data.subarray(0, 4))).toEqual([-5, -4, -3, -2]);
  });

  it('refuses a gzip file that lost the end of its stream, even when every voxel is there', async () => {
    const whole = zlib.gzipSync(fs.readFileSync(smallNifti('trailer.nii')));
    const cut = path.join(tmp, 'trailer.nii.gz');
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 4)); // without the length of the gzip trailer
    await expect(readNifti(cut)).rejects.toThrow(
      `${cut} is not a readable NIfTI-1/2 file: its gzip stream is damaged or cut short. Check that it was copied completely`,
    );
  });

  it('refuses NaN voxels and a vox_offset inside the header', async () => {
    const floats = path.join(tmp, 'nan.nii');
    writeNifti(floats, {
      data: Float32Array.from([1, NaN, 3, Infinity, 5, 6]),
      dimensions: [3, 2, 1],
      spacing: [1, 1, 1],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    });
    await expect(readNifti(floats)).rejects.toThrow(`${floats} has 2 voxels that are not a finite number`);
    await expect(
      readNifti(smallNifti('offset.nii', (header) => header.setFloat32(108, 100, true))),
    ).rejects.toThrow('its vox_offset 100 does not point past its 348-byte header');
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
