import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { readVolume } from '../../../cli/src/io/readVolume';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { dataRoot } from '../../helpers/dataRoot';

const data = dataRoot();
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-volume-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('readVolume', () => {
  it('reads NIfTI files', async () => {
    const volume = await readVolume(path.join(data, 'totalsegmentator', 'example_seg_mr.nii.gz'));
    expect(volume.dimensions).toEqual([117, 91, 20]);
    expect(volume.meta).toBeUndefined();
  });

  it('reads a DICOM folder (and reports its errors)', async () => {
    await expect(readVolume(path.join(data, 'totalsegmentator', 'example_ct_dicom'))).rejects.toThrow(
      'compressed (or big-endian) pixel data is not supported',
    );
  });

  it('reads a PNG folder with a reference and a slice order', async () => {
    const dir = path.join(tmp, 'masks');
    fs.mkdirSync(dir);
    for (const n of [0, 1]) {
      const png = new PNG({ width: 2, height: 1 });
      png.data.set(n === 0 ? [255, 255, 255, 255, 0, 0, 0, 255] : [0, 0, 0, 255, 0, 0, 0, 255]);
      fs.writeFileSync(path.join(dir, `m${n}.png`), PNG.sync.write(png));
    }
    const reference: Volume = {
      data: new Float32Array(4),
      dimensions: [2, 1, 2],
      spacing: [0.5, 0.5, 4],
      origin: [1, 2, 3],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    };
    const mask = await readVolume(dir, { reference, sliceOrder: [1, 0] });
    expect(Array.from(mask.data)).toEqual([0, 0, 1, 0]);
    expect(mask.spacing).toEqual([0.5, 0.5, 4]);
    expect(mask.origin).toEqual([1, 2, 3]);
  });

  it('lists the supported inputs for anything else', async () => {
    const other = path.join(tmp, 'scan.mha');
    fs.writeFileSync(other, 'ObjectType = Image\n');
    await expect(readVolume(other)).rejects.toThrow(
      `Cannot tell how to read ${other}. Supported inputs: a NIfTI file (.nii or .nii.gz)`,
    );
    const missing = path.join(tmp, 'gone.nii');
    await expect(readVolume(missing)).rejects.toThrow(`Input not found: ${missing}`);
  });
});
