import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { readNifti } from '../../cli/src/io/readNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { grown, inA, inB, islandsSlice, maskOf, massShare } from '../helpers/islandsImage';
import { fixture } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

describe('xai-clip explain --target-region', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-region-'));
  const image = path.join(dir, 'islands.nii.gz');
  const regions = path.join(dir, 'regions.nii.gz');
  const elsewhere = path.join(dir, 'elsewhere.nii.gz');
  const model = fixture('islands2d.manifest.json');
  beforeAll(() => {
    writeNifti(image, islandsSlice());
    // Value 3 on island A, 5 on an 8 × 8 blob of background (columns 50–57, rows 4–11).
    const labels = Uint8Array.from({ length: 64 * 64 }, (_, v) => {
      const [i, j] = [v % 64, Math.floor(v / 64)];
      return inA(i, j) ? 3 : i >= 50 && i < 58 && j >= 4 && j < 12 ? 5 : 0;
    });
    writeNifti(regions, createVolume(labels, [64, 64, 1], { spacing: [1, 1, 1] }));
    writeNifti(elsewhere, createVolume(new Uint8Array(32 * 32), [32, 32, 1], { spacing: [2, 2, 1] }));
  });
  const explain = (out: string, targetRegion: string) =>
    cli(
      'explain',
      ...['--model', model, '--input', image, '--organ', 'organ', '--roi', 'mask', '--margin-mm', '4'],
      ...[
        '--scope',
        'slice',
        '--slice',
        '0',
        '--window-mm',
        '4',
        '--stride-mm',
        '2',
        '--outside-tile-factor',
        '0',
      ],
      ...['--fill', '0', '--target-region', targetRegion, '--json', '--out', path.join(dir, out)],
    );

  it('a number explains that component of the prediction: its evidence only, and report.json says which', async () => {
    const result = await explain('component', '2');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.explainedTarget).toEqual({ kind: 'component', index: 2, of: 2, voxels: 192, ml: 0.192 });
    expect(report.targetLabel).toBe('organ component 2 of 2 (0.19 mL)');
    const written = JSON.parse(readFileSync(path.join(dir, 'component', 'report.json'), 'utf8'));
    expect(written.explainedTarget).toEqual(report.explainedTarget);
    const saliency = await readNifti(path.join(dir, 'component', 'saliency.nii.gz'));
    const map = Float32Array.from(saliency.data as ArrayLike<number>);
    expect(massShare(map, grown(maskOf(inB), 2))).toBeGreaterThanOrEqual(0.9);
  });

  it('a label file explains the region of one of its values', async () => {
    const result = await explain('blob', `${regions}:5`);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.explainedTarget).toEqual({ kind: 'region', label: `${regions}:5`, voxels: 64, ml: 0.064 });
    // The ROI grows to cover the blob, away from the organ; the model's output there reads no input.
    expect(report.roi.box).toMatchObject({ max: [62, 56, 1] });
    const saliency = await readNifti(path.join(dir, 'blob', 'saliency.nii.gz'));
    expect(Math.max(...Array.from(saliency.data as ArrayLike<number>, Math.abs))).toBeLessThan(1e-6);
  });

  it('refuses a value the file lacks, and a file off the image grid', async () => {
    const missing = await explain('missing', `${regions}:7`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `--target-region ${regions}:7: no voxel has the value 7. The file holds 0 (3,776 voxels), 3 (256 voxels), 5 (64 voxels).`,
    );
    const off = await explain('off', elsewhere);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain(
      `The labels ${elsewhere} are 32×32×1 but the image is 64×64×1; they must share one grid.`,
    );
  });
});
