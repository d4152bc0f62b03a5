import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { fixture, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

describe('xai-clip explain --faithfulness --report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-report-'));
  const image = path.join(dir, 'planted.nii.gz');
  // The planted model's manifest beside a model card, as the shipped models keep theirs.
  const model = path.join(dir, 'model', 'manifest.json');
  beforeAll(() => {
    writeNifti(image, plantedSlice());
    const manifest = JSON.parse(readFileSync(fixture('planted2d.manifest.json'), 'utf8'));
    manifest.segmenter.file = fixture('planted2d.onnx');
    delete manifest.clip;
    mkdirSync(path.dirname(model));
    writeFileSync(model, JSON.stringify(manifest));
    writeFileSync(path.join(dir, 'model', 'MODEL_CARD.md'), '# planted\n');
  });

  it('measures faithfulness into report.json and writes a self-contained HTML report', async () => {
    const out = path.join(dir, 'out');
    const html = path.join(dir, 'pages', 'report.html');
    const result = await cli(
      'explain',
      ...['--model', model, '--input', image, '--organ', 'organ', '--roi', 'mask', '--scope', 'slice'],
      ...['--slice', '0', '--window-mm', '8', '--stride-mm', '4', '--json', '--out', out],
      ...['--faithfulness', '--report', html],
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.htmlReport).toBe(html);
    const { faithfulness } = report;
    expect(faithfulness).toMatchObject({ steps: 30, organMultiple: 3, passes: 125 });
    expect(faithfulness.images).toHaveLength(1);
    expect(faithfulness.deletionAuc).toBeLessThan(faithfulness.random.deletionAuc);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    const png = /<img alt="[^"]*" src="data:image\/png;base64,([A-Za-z0-9+/]+=*)">/.exec(page);
    expect(png).not.toBeNull();
    // A real PNG: its signature.
    expect(Buffer.from(png![1], 'base64').subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(page).toContain('<h2>Faithfulness</h2>');
    expect(page).toContain(`${faithfulness.deletionAuc.toFixed(3)} (random order`);
    // The model card, relative to the report.
    expect(page).toContain('<a href="../model/MODEL_CARD.md">');
    expect(page).not.toMatch(/src="(?!data:)/);
  });
});
