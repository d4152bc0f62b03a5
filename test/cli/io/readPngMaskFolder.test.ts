import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { DicomSeriesMeta, readDicomSeries } from '../../../cli/src/io/readDicomSeries';
import { readPngMaskFolder } from '../../../cli/src/io/readPngMaskFolder';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { dataRoot } from '../../helpers/dataRoot';

const data = dataRoot();
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-png-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Writes a PNG whose pixel (column c, row r) has the value pick(c, r) in every channel. */
function writePng(
  file: string,
  width: number,
  height: number,
  pick: (c: number, r: number) => number,
  options: { colorType?: 0 | 2 | 6; alpha?: number } = {},
): void {
  const png = new PNG({ width, height });
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const p = (r * width + c) * 4;
      png.data.fill(pick(c, r), p, p + 3);
      png.data[p + 3] = options.alpha ?? 255;
    }
  }
  fs.writeFileSync(file, PNG.sync.write(png, { colorType: options.colorType ?? 0, inputHasAlpha: true }));
}

describe('readPngMaskFolder with the CHAOS liver ground truth', () => {
  let ct: Volume & { meta: DicomSeriesMeta };
  let pngForeground: number[];
  beforeAll(async () => {
    ct = await readDicomSeries(path.join(data, 'chaos-ct', 'dicom'));
    // Non-zero pixels per PNG, counted independently of the reader (files in name order).
    const folder = path.join(data, 'chaos-ct', 'liver-gt');
    pngForeground = fs
      .readdirSync(folder)
      .sort()
      .map((name) => {
        // skipRescale: pngjs's 1-bit → 8-bit rescaling is very slow under jest.
        const png = PNG.sync.read(fs.readFileSync(path.join(folder, name)), { skipRescale: true });
        let count = 0;
        for (let p = 0; p < png.data.length; p += 4) if (png.data[p]) count++;
        return count;
      });
  });

  function insideStats(mask: Volume) {
    let sum = 0;
    let sumSquares = 0;
    let count = 0;
    let softTissue = 0;
    for (let n = 0; n < mask.data.length; n++) {
      if (!mask.data[n]) continue;
      const hu = ct.data[n];
      sum += hu;
      sumSquares += hu * hu;
      count++;
      if (hu >= 0 && hu <= 250) softTissue++;
    }
    const mean = sum / count;
    return { count, mean, sd: Math.sqrt(sumSquares / count - mean * mean), softTissue: softTissue / count };
  }

  it('overlays the liver masks on liver tissue when following the DICOM file order', () => {
    const mask = readPngMaskFolder(path.join(data, 'chaos-ct', 'liver-gt'), ct, ct.meta.sliceFileIndex);
    expect(mask.data).toBeInstanceOf(Uint8Array);
    expect(mask.dimensions).toEqual(ct.dimensions);
    expect(mask.origin).toEqual(ct.origin);
    expect(mask.direction).toEqual(ct.direction);
    expect(mask.spacing).toEqual(ct.spacing);

    const stats = insideStats(mask);
    expect(stats.count).toBe(pngForeground.reduce((a, b) => a + b, 0));
    expect(stats.mean).toBeGreaterThan(0); // contrast-enhanced liver: about 140 HU here
    expect(stats.mean).toBeLessThan(200);
    expect(stats.sd).toBeLessThan(80);
    expect(stats.softTissue).toBeGreaterThan(0.95);
    // Slice k holds PNG 77 − k, since slice k is DICOM file 77 − k.
    for (const k of [0, 30, 77]) {
      let inSlice = 0;
      for (let n = k * 512 * 512; n < (k + 1) * 512 * 512; n++) inSlice += mask.data[n];
      expect(inSlice).toBe(pngForeground[77 - k]);
    }

    // Pairing PNG k with slice k instead (slices reversed) puts the masks upside down, on lung, fat and bone.
    const plane = 512 * 512;
    const reversed = new Uint8Array(mask.data.length);
    for (let k = 0; k < 78; k++)
      reversed.set(mask.data.subarray(k * plane, (k + 1) * plane), (77 - k) * plane);
    const wrong = insideStats({ ...mask, data: reversed });
    expect(wrong.sd).toBeGreaterThan(150);
    expect(wrong.softTissue).toBeLessThan(0.9);
  });
});

describe('readPngMaskFolder on synthetic masks', () => {
  it('sorts by the number in the name and maps row r, column c to voxel (c, r)', () => {
    const dir = path.join(tmp, 'numbered');
    fs.mkdirSync(dir);
    // Slice n has a single pixel at column n, row 1; names sort wrongly as text (10 < 2).
    for (const n of [2, 10, 1])
      writePng(path.join(dir, `mask${n}.png`), 11, 3, (c, r) => (c === n && r === 1 ? 9 : 0));
    const mask = readPngMaskFolder(dir);
    expect(mask.dimensions).toEqual([11, 3, 3]);
    expect(mask.spacing).toEqual([1, 1, 1]);
    const indices = Array.from(mask.data.keys()).filter((n) => mask.data[n]);
    expect(indices).toEqual([1 + 11, 2 + 11 + 33, 10 + 11 + 66]);
    expect(Math.max(...mask.data)).toBe(1);
  });

  it('counts any colour channel but not fully transparent pixels', () => {
    const dir = path.join(tmp, 'colour');
    fs.mkdirSync(dir);
    const rgb = new PNG({ width: 2, height: 1 });
    rgb.data.set([0, 0, 7, 255, 0, 0, 0, 255]);
    fs.writeFileSync(path.join(dir, 'a_0.png'), PNG.sync.write(rgb, { colorType: 2 }));
    writePng(path.join(dir, 'a_1.png'), 2, 1, () => 200, { colorType: 6, alpha: 0 });
    const mask = readPngMaskFolder(dir);
    expect(Array.from(mask.data)).toEqual([1, 0, 0, 0]);
  });

  it('keeps small 16-bit label values', () => {
    const dir = path.join(tmp, 'sixteen');
    fs.mkdirSync(dir);
    const png = new PNG({ width: 2, height: 1, bitDepth: 16, colorType: 0, inputColorType: 0 });
    const bytes = PNG.sync.write(Object.assign(png, { data: Buffer.from(new Uint16Array([1, 0]).buffer) }), {
      bitDepth: 16,
      colorType: 0,
      inputColorType: 0,
    });
    fs.writeFileSync(path.join(dir, 'label_0.png'), bytes);
    expect(Array.from(readPngMaskFolder(dir).data)).toEqual([1, 0]);
  });

  it('names both sizes when the masks do not fit the image', () => {
    const dir = path.join(tmp, 'small');
    fs.mkdirSync(dir);
    writePng(path.join(dir, 'm0.png'), 4, 3, () => 0);
    writePng(path.join(dir, 'm1.png'), 4, 3, () => 0);
    const reference: Volume = {
      data: new Int16Array(60),
      dimensions: [4, 3, 5],
      spacing: [1, 1, 1],
      origin: [0, 0, 0],
      direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    };
    expect(() => readPngMaskFolder(dir, reference)).toThrow(
      `The masks in ${dir} (2 PNGs of 4×3) do not match the image (5 slices of 4×3)`,
    );
    writePng(path.join(dir, 'm2.png'), 5, 3, () => 0);
    expect(() => readPngMaskFolder(dir)).toThrow('m2.png is 5×3 but the first mask');
    expect(() => readPngMaskFolder(dir, undefined, [0, 1])).toThrow(
      'sliceOrder must list each of the 3 PNG masks',
    );
  });

  it('rejects missing folders, folders without PNGs and unnumbered names', () => {
    const missing = path.join(tmp, 'absent');
    expect(() => readPngMaskFolder(missing)).toThrow(`Mask folder not found: ${missing}`);
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    expect(() => readPngMaskFolder(empty)).toThrow(`No .png files in ${empty}`);
    const unnumbered = path.join(tmp, 'unnumbered');
    fs.mkdirSync(unnumbered);
    writePng(path.join(unnumbered, 'liver.png'), 2, 2, () => 0);
    expect(() => readPngMaskFolder(unnumbered)).toThrow('liver.png has no slice number in its name');
  });
});
