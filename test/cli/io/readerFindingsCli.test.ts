import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { dataRoot } from '../../helpers/dataRoot';
import { runCli } from '../../helpers/runCli';

/**
 * Issue 21's input findings through the built CLI (`npm run build:cli`): `segment` must exit 1 with
 * the reader's sentence, not write a label map from a damaged or misplaced image.
 */
const CT_MODEL = 'models/chaos-ct-segformer/manifest.json';
const chaos = path.join(dataRoot(), 'chaos-ct', 'dicom');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-findings-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the CHAOS CT series as links, the files `change` returns a Buffer for replaced by it. */
function chaosCopy(
  name: string,
  change: (file: string, index: number) => Buffer | 'skip' | undefined,
): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir);
  fs.readdirSync(chaos)
    .sort()
    .forEach((file, index) => {
      const changed = change(file, index);
      if (changed === 'skip') return;
      if (changed) fs.writeFileSync(path.join(dir, file), changed);
      else fs.symlinkSync(path.join(chaos, file), path.join(dir, file));
    });
  return dir;
}

async function segment(input: string) {
  const out = path.join(tmp, `${path.basename(input)}-labels.nii.gz`);
  const result = await runCli('segment', '--model', CT_MODEL, '--input', input, '--out', out);
  return { ...result, wrote: fs.existsSync(out) };
}

describe('segment refuses damaged inputs (issue 21)', () => {
  it('exits 1 on a CHAOS copy with one slice cut by head -c 262932 (finding 1)', async () => {
    const input = chaosCopy('cut', (file, index) =>
      index === 5 ? fs.readFileSync(path.join(chaos, file)).subarray(0, 262932) : undefined,
    );
    const result = await segment(input);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Cannot read ${path.join(input, 'i0005,0000b.dcm')} as DICOM: it holds 261358 bytes of pixel data where its ` +
        '512×512 16-bit pixels need 524288; the file is truncated',
    );
    expect(result.wrote).toBe(false);
  });

  it('exits 1 on a CHAOS copy without 10 slices (finding 4), giving the gap', async () => {
    const result = await segment(
      chaosCopy('gap', (_, index) => (index >= 30 && index < 40 ? 'skip' : undefined)),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'the usual step is 2 mm, but 1 step is over 1.5× that (22 mm between slices 37 and 38)',
    );
    expect(result.wrote).toBe(false);
  });

  it('exits 1 at once on a 512 MB gzip bomb and on a header in micrometres (finding 3)', async () => {
    const bomb = path.join(tmp, 'bomb.nii.gz');
    const member = zlib.gzipSync(Buffer.alloc(1e6), { level: 9 });
    fs.writeFileSync(bomb, Buffer.concat(Array.from({ length: 512 }, () => member)));
    const start = performance.now();
    const result = await segment(bomb);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bomb} is not a readable NIfTI-1/2 file: it has no NIfTI magic number`);

    const microns = path.join(tmp, 'microns.nii.gz');
    const header = Buffer.alloc(352 + 2 * 64 * 64 * 3);
    const view = new DataView(header.buffer);
    view.setInt32(0, 348, true);
    [3, 64, 64, 3, 1, 1, 1, 1].forEach((v, n) => view.setInt16(40 + n * 2, v, true));
    view.setInt16(70, 4, true); // int16
    view.setInt16(72, 16, true);
    [1, 0.7, 0.7, 2.5].forEach((v, n) => view.setFloat32(76 + n * 4, v, true));
    view.setFloat32(108, 352, true);
    view.setUint8(123, 3); // micrometres
    header.write('n+1\0', 344, 'latin1');
    fs.writeFileSync(microns, zlib.gzipSync(header));
    const tiny = await segment(microns);
    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toContain(
      'gives voxels of 0.0007 × 0.0007 × 0.0025 mm (from its pixdim in micrometres)',
    );
    expect(performance.now() - start).toBeLessThan(60_000);
  });
});
