import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
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
    // The auto batch times only the sizes that fit.
    expect(Object.keys(report.batch.msPerPass)).toEqual(['1', '2']);
    expect(report.batch.size).toBeLessThanOrEqual(2);
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
      'batch size: 2 (lowered from 8), about 18 MB per image on a 32×32×16 image (activations at the default estimate of 1024 bytes per voxel), memory budget 44 MB',
      '',
    ]);
    const ct = await cli('models', 'validate', fixture('planted2d.manifest.json'), '--json');
    expect(JSON.parse(ct.stdout)).toMatchObject({ orientation: 'native', batchSize: 8 });
  });

  it('models validate --measure-memory measures the memory per image and prints the manifest line', async () => {
    const text = await cli('models', 'validate', model, '--measure-memory');
    expect(text.stderr).toBe('');
    const [, , measuredLine, manifestLine, end] = text.stdout.split('\n');
    const measured =
      /^measured: ([\d.]+) (kB|MB) per image \(peak memory rise from batch 1 to 8, (maxRSS|rss after the runs)\), i\.e\. activations of (\d+) bytes per voxel; estimated: 18 MB$/.exec(
        measuredLine,
      );
    expect(measured).not.toBeNull();
    const perVoxel = Number(measured![4]);
    // A toy network of a few small convolutions: far below the 1 KiB default, but not nothing.
    expect(perVoxel).toBeGreaterThanOrEqual(1);
    expect(perVoxel).toBeLessThan(1024);
    expect(manifestLine).toBe(`add to the manifest's segmenter: "activationBytesPerVoxel": ${perVoxel}`);
    expect(end).toBe('');

    const json = JSON.parse((await cli('models', 'validate', model, '--measure-memory', '--json')).stdout);
    expect(json).toMatchObject({ activationSource: 'default', activationBytesPerVoxel: 1024 });
    const measurement = json.memoryMeasurement;
    expect(measurement.batches).toEqual([1, 8]);
    expect(measurement.peakGrowthBytes[1]).toBeGreaterThan(measurement.peakGrowthBytes[0]);
    expect(Number.isFinite(measurement.measuredPerItemBytes)).toBe(true);
    // At least the input and output the run allocates per image, below the default estimate.
    expect(measurement.measuredPerItemBytes).toBeGreaterThan((2 * 4 + 3 * 4) * 16 * 32 * 32);
    expect(measurement.measuredPerItemBytes).toBeLessThan(json.memoryPerItemBytes);
    expect(measurement.manifestLine).toBe(
      `"activationBytesPerVoxel": ${measurement.activationBytesPerVoxel}`,
    );

    // Fed back into a copy of the manifest, validate plans with it and says it is the manifest's.
    const manifest = JSON.parse(readFileSync(model, 'utf8'));
    manifest.segmenter.file = path.resolve(path.dirname(model), manifest.segmenter.file);
    Object.assign(manifest.segmenter, JSON.parse(`{${measurement.manifestLine}}`));
    const copy = path.join(dir, 'measured.manifest.json');
    writeFileSync(copy, JSON.stringify(manifest));
    const fed = JSON.parse((await cli('models', 'validate', copy, '--json')).stdout);
    expect(fed).toMatchObject({
      activationSource: 'manifest',
      activationBytesPerVoxel: measurement.activationBytesPerVoxel,
      memoryPerItemBytes: (2 * 2 * 4 + 3 * 3 * 4 + measurement.activationBytesPerVoxel) * 16 * 32 * 32,
    });
    expect((await cli('models', 'validate', copy)).stdout).toContain(
      `(activations at the manifest's ${measurement.activationBytesPerVoxel} bytes per voxel)`,
    );
  });

  it('models validate --measure-memory refuses the web backend, fixed-batch networks and a budget for one image, saying why', async () => {
    const web = await cli('models', 'validate', model, '--measure-memory', '--backend', 'web');
    expect(web.code).toBe(1);
    expect(web.stderr).toMatch(
      /--measure-memory reads the process's peak resident memory.*WebAssembly heap only grows.*Measure with --backend node/,
    );
    const fixed = await cli(
      ...['models', 'validate', fixture('planted2d_fixed_batch.manifest.json'), '--measure-memory'],
    );
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toMatch(
      /always runs a fixed batch of \d+, so its memory does not grow with the batch size/,
    );
    const tight = await cli('models', 'validate', model, '--measure-memory', '--memory-budget', '20MB');
    expect(tight.code).toBe(1);
    expect(tight.stderr).toMatch(
      /runs a batch of at least 2 images, but the memory budget fits 1 .* raise --memory-budget/,
    );
  });

  it('reads sizes in MB (the default unit) or GB, and refuses anything else', () => {
    expect(parseMemorySize('800')).toBe(800e6);
    expect(parseMemorySize('800MB')).toBe(800e6);
    expect(parseMemorySize('7.5 gb')).toBe(7.5e9);
    expect(() => parseMemorySize('1x')).toThrow('--memory-budget must be a size such as 800MB or 7.5GB');
    expect(() => parseMemorySize('0')).toThrow('--memory-budget must be a size');
  });
});
