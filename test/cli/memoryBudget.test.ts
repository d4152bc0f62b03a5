import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseMemorySize } from '../../cli/src/commands/parseMemorySize';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

// planted3d_2ch needs about 17.6 MB per image (see test/runtime/batchMemory.test.ts): 44 MB fits two.
describe('xai-clip --memory-budget', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-memory-'));
  const image = path.join(dir, 'volume.nii.gz');
  const model = fixture('planted3d_2ch.manifest.json');
  const explain = (out: string, budget: string) =>
    cli(
      'explain',
      ...['--model', model, '--input', image, '--organ', 'liver', '--method', 'rise', '--samples', '8'],
      ...['--roi', 'none', '--scope', 'volume', '--memory-budget', budget, '--out', out],
    );
  beforeAll(() => {
    const data = Float32Array.from({ length: 32 * 32 * 16 }, (_, v) => (v % 89) * 5 - 100);
    writeNifti(image, createVolume(data, [32, 32, 16]));
  });

  it('caps the batch to what fits and says so on stderr and in report.json', async () => {
    const out = path.join(dir, 'capped');
    const result = await explain(out, '44MB');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^xai-clip: Batch 8 → 2: about 18 MB per image \(input 262 kB, output 590 kB, activations ≈ 17 MB estimated\), memory budget 44 MB\.\n$/,
    );
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.notes[0]).toMatch(/^Batch 8 → 2:/);
    expect(report.calls).toBe(1 + 4);
  });

  it('fails before running when not even one image fits, saying what to do', async () => {
    const out = path.join(dir, 'impossible');
    const result = await explain(out, '10MB');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /needs about 18 MB per image .* memory budget is 10 MB, so not even one image fits\. Raise the memory budget \(CLI: --memory-budget\)/,
    );
    expect(existsSync(out)).toBe(false);
    const segment = await cli(
      ...['segment', '--model', model, '--input', image, '--out', path.join(dir, 'labels.nii.gz')],
      ...['--memory-budget', '0.01GB'],
    );
    expect(segment.code).toBe(1);
    expect(segment.stderr).toMatch(/memory budget is 10 MB, so not even one image fits/);
  });

  it('models validate prints the orientation, the batch size it would use and the memory per image', async () => {
    const result = await cli('models', 'validate', model, '--memory-budget', '44');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\S+: valid \(NCDHW, orientation native, array convention itk, /);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      'batch size: 2 (lowered from 8), about 18 MB per image on a 32×32×16 image, memory budget 44 MB',
      '',
    ]);
    const ct = await cli('models', 'validate', fixture('planted2d.manifest.json'), '--json');
    expect(JSON.parse(ct.stdout)).toMatchObject({ orientation: 'native', batchSize: 8 });
  });

  it('reads sizes in MB (the default unit) or GB, and refuses anything else', () => {
    expect(parseMemorySize('800')).toBe(800e6);
    expect(parseMemorySize('800MB')).toBe(800e6);
    expect(parseMemorySize('7.5 gb')).toBe(7.5e9);
    expect(() => parseMemorySize('1x')).toThrow('--memory-budget must be a size such as 800MB or 7.5GB');
    expect(() => parseMemorySize('0')).toThrow('--memory-budget must be a size');
  });
});
