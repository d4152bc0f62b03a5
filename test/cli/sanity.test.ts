import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { fixture, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

/** `xai-clip explain --sanity` on the dense planted model: report.json's "sanity" and one line per check. */
describe('xai-clip explain --sanity', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-sanity-'));
  const image = path.join(dir, 'planted.nii.gz');
  beforeAll(() => writeNifti(image, plantedSlice()));

  it('writes the three checks into report.json and prints one line per check', async () => {
    const out = path.join(dir, 'out');
    const result = await cli(
      'explain',
      ...['--model', fixture('dense2d.manifest.json'), '--input', image, '--organ', 'organ'],
      ...['--method', 'rise', '--samples', '300', '--roi', 'none', '--scope', 'slice', '--slice', '0'],
      ...['--sanity', '--sanity-steps', '2', '--sanity-repeats', '1', '--out', out],
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    const { parameterRandomisation, inputIndependence, repeatStability } = report.sanity;
    expect(parameterRandomisation.figures.steps.map((s: { layers: string[] }) => s.layers)).toEqual([
      ['dense2'],
      ['dense1'],
    ]);
    expect(parameterRandomisation.figures.steps[1].spearman).toBeLessThan(0.3);
    expect(inputIndependence).toMatchObject({ status: 'pass', figures: { maxAbsSaliency: 0 } });
    expect(repeatStability.figures.seeds).toEqual([0, 1]);
    expect(report.sanity.voxelCount).toBe(64 * 64);
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('Sanity, '));
    expect(lines.map((line) => line.split(':')[0])).toEqual([
      'Sanity, parameter randomisation',
      'Sanity, input independence',
      'Sanity, repeat stability',
    ]);
    expect(lines[0]).toMatch(/^Sanity, parameter randomisation: pass\. /);
  }, 60_000);

  it('rejects a step count that is no whole number', async () => {
    const result = await cli(
      'explain',
      ...['--model', fixture('dense2d.manifest.json'), '--input', image, '--organ', 'organ'],
      ...['--sanity', '--sanity-steps', 'two', '--out', path.join(dir, 'bad')],
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--sanity-steps must be a whole number/);
  });
});
