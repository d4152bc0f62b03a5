import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { readNifti } from '../../cli/src/io/readNifti';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

describe('explain --slice-stride', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-stride-'));
  const image = path.join(dir, 'planted3.nii.gz');
  const plane = 64 * 64;
  const args = (...more: string[]) => [
    'explain',
    '--model',
    fixture('planted2d.manifest.json'),
    '--input',
    image,
    '--organ',
    'organ',
    '--roi',
    'none',
    '--scope',
    'slab',
    '--window-mm',
    '8',
    '--fill',
    '0',
    ...more,
  ];
  beforeAll(() => {
    // Three planted slices, the middle one dimmer: its own map would differ from its neighbours'.
    const data = new Float32Array(plane * 3);
    for (let k = 0; k < 3; k++)
      data.set(
        plantedSlice().data.map((x) => (k === 1 ? 0.9 * x : x)),
        k * plane,
      );
    writeNifti(image, createVolume(data, [64, 64, 3], { spacing: [1, 1, 2] }));
  });

  it('perturbs the first and last slice, interpolates the middle one and says so', async () => {
    const out = path.join(dir, 'stride2');
    const result = await cli(...args('--slice-stride', '2', '--out', out));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /Slice stride 2: 2 of 3 slices perturbed; the maps of the 1 between are interpolated/,
    );
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.slices).toEqual([0, 1, 2]);
    expect(report.interpolatedSlices).toEqual([1]);
    const saliency = (await readNifti(path.join(out, 'saliency.nii.gz'))).data;
    for (let v = 0; v < plane; v++) {
      expect(saliency[plane + v]).toBeCloseTo((saliency[v] + saliency[2 * plane + v]) / 2, 5);
    }
  });

  it.each(['0', '1.5', 'every'])('refuses --slice-stride %s', async (stride) => {
    const result = await cli(...args('--slice-stride', stride, '--out', path.join(dir, 'bad')));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `--slice-stride must be auto or a whole number ≥ 1 (1: every slice), got "${stride}".`,
    );
  });
});
