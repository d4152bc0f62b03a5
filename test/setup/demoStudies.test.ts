import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { inflateDemoCt, DEMO_MR_NIFTI } = require('../../scripts/demoStudies.js') as {
  inflateDemoCt(target: string, packed?: string): string;
  DEMO_MR_NIFTI: string;
};

const PACKED = path.join(__dirname, '..', '..', 'demo', 'chaos-ct');

describe('the demo studies shipped in demo/ (a clone alone runs the viewer)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-studies-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('inflates the CT study to the 78 original CHAOS files, checked against SHA256SUMS, and only once', () => {
    const target = path.join(tmp, 'chaos-ct');
    expect(inflateDemoCt(target)).toBe(target);
    const names = fs.readdirSync(target).sort();
    expect(names).toHaveLength(78);
    expect([names[0], names[77]]).toEqual(['i0000,0000b.dcm', 'i0077,0000b.dcm']);
    // 512×512 16-bit pixels behind each header.
    for (const name of names)
      expect(fs.statSync(path.join(target, name)).size).toBeGreaterThan(512 * 512 * 2);
    const written = fs.statSync(path.join(target, names[0])).mtimeMs;
    inflateDemoCt(target);
    expect(fs.statSync(path.join(target, names[0])).mtimeMs).toBe(written);
  });

  it('refuses a packed file that does not inflate to its original and leaves no half-written study', () => {
    const packed = path.join(tmp, 'packed');
    fs.cpSync(PACKED, packed, { recursive: true });
    fs.copyFileSync(path.join(packed, 'i0001,0000b.dcm.br'), path.join(packed, 'i0000,0000b.dcm.br'));
    const target = path.join(tmp, 'chaos-ct');
    expect(() => inflateDemoCt(target, packed)).toThrow(
      `${path.join(packed, 'i0000,0000b.dcm.br')} does not inflate to the original i0000,0000b.dcm (its SHA-256 differs from SHA256SUMS); restore it with git checkout demo/.`,
    );
    expect(fs.readdirSync(tmp)).toEqual(['packed']);
  });

  it('ships the MR subject the demo converts, with the licence and attribution', () => {
    expect(path.basename(DEMO_MR_NIFTI)).toBe('image_3.nii.gz');
    expect(fs.statSync(DEMO_MR_NIFTI).size).toBe(2678546);
    const demo = path.dirname(PACKED);
    expect(fs.readFileSync(path.join(demo, 'LICENSE'), 'utf8')).toMatch(
      /^Attribution-ShareAlike 4\.0 International/,
    );
    expect(fs.readFileSync(path.join(demo, 'README.md'), 'utf8')).toMatch(
      /Kavur A\.E\..*\n?.*Medical Image Analysis/,
    );
  });
});
