import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { readNifti } from '../../cli/src/io/readNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

describe('xai-clip CLI', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-cli-'));
  const image = path.join(dir, 'planted.nii.gz');
  const labels = path.join(dir, 'labels.nii.gz');
  const model = fixture('planted2d.manifest.json');
  const slice = plantedSlice();
  // Two slices with 2.5 mm spacing and a non-trivial origin, to check the geometry round trip.
  const geometry = {
    spacing: [0.8, 0.8, 2.5] as [number, number, number],
    origin: [-10, 20, 30] as [number, number, number],
  };
  beforeAll(() => {
    const data = new Float32Array(64 * 64 * 2);
    data.set(slice.data, 0);
    data.set(slice.data, 64 * 64);
    writeNifti(image, createVolume(data, [64, 64, 2], geometry));
    const mask = new Uint8Array(64 * 64 * 2);
    mask.set(plantedMask(), 0);
    mask.set(plantedMask(), 64 * 64);
    writeNifti(labels, createVolume(mask, [64, 64, 2], geometry));
  });

  it('explains one slice with a CLIP ROI and writes a saliency NIfTI on the input grid plus a report', async () => {
    const out = path.join(dir, 'out');
    const result = await cli(
      'explain',
      '--model',
      model,
      '--input',
      image,
      '--labels',
      labels,
      '--label-values',
      'organ=1',
      '--organ',
      'hepatic parenchyma',
      '--method',
      'occlusion',
      '--roi',
      'clip',
      '--scope',
      'slice',
      '--slice',
      '1',
      '--window-mm',
      '3.2',
      '--stride-mm',
      '1.6',
      '--fill',
      '0',
      '--json',
      '--out',
      out,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ organ: 'organ', method: 'occlusion', backend: 'cpu', slices: [1] });
    expect(report.roi).toMatchObject({ source: 'clip', shape: 'mask' });
    // The viewer's result card reads the same report (reportOf): the ROI's share, boxes, timing.
    expect(report).toMatchObject({ model: 'planted-2d', scope: 'slice', outsideRanked: true });
    expect(report.roi.fraction).toBeCloseTo(report.roi.voxels / (64 * 64), 10);
    expect(report.roiBoxes).toEqual([{ slice: 1, box: expect.objectContaining({ min: expect.any(Array) }) }]);
    expect(report.explainMs).toBeLessThanOrEqual(report.wallMs);
    expect(report.passes).toBeGreaterThan(1);
    expect(report.methodOptions).toMatchObject({
      windowMm: 3.2,
      strideMm: 1.6,
      outsideTileFactor: 2.25,
      outsideTiles: 'slic',
    });
    // S lies inside the ROI: replacing everything outside it leaves the organ's score as it was.
    expect(report.outsideRoiDrop).toBeCloseTo(0, 2);
    expect(report.metrics.otsu.iou).toBeGreaterThanOrEqual(0.8);
    const saliency = await readNifti(path.join(out, 'saliency.nii.gz'));
    expect(saliency.dimensions).toEqual([64, 64, 2]);
    saliency.spacing.forEach((s, a) => expect(s).toBeCloseTo(geometry.spacing[a], 5));
    saliency.origin.forEach((o, a) => expect(o).toBeCloseTo(geometry.origin[a], 4));
    expect(Math.max(...saliency.data.subarray(0, 64 * 64))).toBe(0);
  });

  it('--roi-shape box explains inside the bounding box; the default region holds fewer voxels than its own box', async () => {
    const run = async (shape: string) => {
      const out = path.join(dir, `shape-${shape}`);
      const result = await cli(
        'explain',
        ...['--model', model, '--input', image, '--organ', 'organ', '--roi', 'clip', '--roi-shape', shape],
        ...['--scope', 'slice', '--slice', '1', '--window-mm', '4', '--margin-mm', '3'],
        ...['--fill', '0', '--json', '--out', out],
      );
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout);
    };
    const [region, box] = [await run('mask'), await run('box')];
    expect(box.roi.shape).toBe('box');
    const area = ({ min, max }: { min: number[]; max: number[] }) => (max[0] - min[0]) * (max[1] - min[1]);
    expect(box.roi.voxels).toBe(area(box.roi.box));
    expect(region.roi.shape).toBe('mask');
    expect(region.roi.voxels).toBeLessThan(0.9 * area(region.roi.box));
    expect((await cli('explain', '--roi-shape', 'circle')).stderr).toMatch(
      /option '--roi-shape <shape>' argument 'circle' is invalid. Allowed choices are mask, box/,
    );
  });

  it('passes --method-option to the method and records it in report.json', async () => {
    const out = path.join(dir, 'lime-options');
    const result = await cli(
      'explain',
      '--model',
      model,
      '--input',
      image,
      '--organ',
      'organ',
      '--method',
      'lime',
      '--roi',
      'none',
      '--scope',
      'slice',
      '--slice',
      '0',
      '--samples',
      '16',
      '--fill',
      '0',
      '--method-option',
      'features=grid',
      '--method-option',
      'featureSizeMm=16',
      '--json',
      '--out',
      out,
    );
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout);
    expect(report.methodOptions).toMatchObject({ samples: 16, features: 'grid', featureSizeMm: 16 });
    // 16 mm cells on the 0.8 mm grid: 4 × 4 features, one coefficient each.
    const saliency = await readNifti(path.join(out, 'saliency.nii.gz'));
    expect(new Set(saliency.data.subarray(0, 64 * 64)).size).toBeLessThanOrEqual(16);
  });

  it('evaluates the prediction against labels', async () => {
    const result = await cli('evaluate', '--model', model, '--input', image, '--labels', labels, '--json');
    expect(result.code).toBe(0);
    const { classes } = JSON.parse(result.stdout);
    expect(classes[0]).toMatchObject({ name: 'organ', labelValue: 1 });
  });

  it('validates a manifest with a dry inference', async () => {
    const result = await cli('models', 'validate', fixture('planted3d_2ch.manifest.json'), '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: true,
      layout: 'NCDHW',
      classes: ['background', 'liver', 'spleen'],
    });
  });

  it("names the network's orientation and array convention", async () => {
    const manifest = fixture('parity3d.manifest.json');
    const text = await cli('models', 'validate', manifest);
    expect(text.stdout).toContain(
      `${manifest}: valid (NCDHW, orientation RAS, array convention nibabel, classes`,
    );
    const json = await cli('models', 'validate', manifest, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ orientation: 'RAS', arrayConvention: 'nibabel' });
  });

  it.each([
    [
      'a missing input',
      ['explain', '--model', model, '--input', '/no/such.nii.gz', '--organ', 'organ', '--out', dir],
      /Input not found: \/no\/such.nii.gz/,
    ],
    [
      'an unknown organ',
      ['explain', '--model', model, '--input', image, '--organ', 'pancreas', '--out', dir],
      /does not know the organ "pancreas"/,
    ],
    ['a missing manifest', ['models', 'validate', '/no/manifest.json'], /Model manifest not found/],
    ['a truncated model', ['models', 'validate', 'TRUNCATED'], /Could not load the segmenter/],
    [
      'an unreadable NIfTI',
      ['segment', '--model', model, '--input', 'GARBAGE', '--out', path.join(dir, 'x.nii.gz')],
      /not a readable NIfTI/,
    ],
    [
      'a slice outside the volume',
      [
        'explain',
        '--model',
        model,
        '--input',
        image,
        '--organ',
        'organ',
        '--roi',
        'none',
        '--scope',
        'slice',
        '--slice',
        '9',
        '--out',
        dir,
      ],
      /--slice 9 is outside .*: it has 2 slice\(s\), --slice 0 to 1 \(the viewer's images 1 to 2\)/,
    ],
    [
      'an outside-tile factor that is not a number',
      [
        'explain',
        '--model',
        model,
        '--input',
        image,
        '--organ',
        'organ',
        '--outside-tile-factor',
        'abc',
        '--out',
        dir,
      ],
      /--outside-tile-factor must be a finite number ≥ 0/,
    ],
    [
      'an outside-tile shape that does not exist',
      [
        'explain',
        '--model',
        model,
        '--input',
        image,
        '--organ',
        'organ',
        '--outside-tiles',
        'hex',
        '--out',
        dir,
      ],
      /option '--outside-tiles <shape>' argument 'hex' is invalid. Allowed choices are grid, slic/,
    ],
    [
      'a method option the method does not have',
      [
        'explain',
        '--model',
        model,
        '--input',
        image,
        '--organ',
        'organ',
        '--method',
        'lime',
        '--method-option',
        'size=3',
        '--out',
        dir,
      ],
      /LIME has no option "size". Its options: features, featureSizeMm/,
    ],
    [
      'a method option without a value',
      [
        'explain',
        '--model',
        model,
        '--input',
        image,
        '--organ',
        'organ',
        '--method-option',
        'featureSizeMm',
        '--out',
        dir,
      ],
      /expected name=value \(e.g. featureSizeMm=10\), got "featureSizeMm"/,
    ],
    [
      'a bad --label-values',
      ['evaluate', '--model', model, '--input', image, '--labels', labels, '--label-values', 'liver:1'],
      /Cannot read "liver:1"/,
    ],
  ])('rejects %s with a specific message and exit code 1', async (_, args, message) => {
    const manifest = JSON.parse(readFileSync(model, 'utf8'));
    const truncated = path.join(dir, 'truncated.manifest.json');
    writeFileSync(
      truncated,
      JSON.stringify({
        ...manifest,
        clip: undefined,
        segmenter: { ...manifest.segmenter, file: fixture('truncated.onnx') },
      }),
    );
    const garbage = path.join(dir, 'garbage.nii');
    writeFileSync(garbage, 'not an image');
    const argv = args.map((arg) => (arg === 'TRUNCATED' ? truncated : arg === 'GARBAGE' ? garbage : arg));
    const result = await cli(...argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('rejects NaN voxels when reading, saying how to replace them', async () => {
    const data = Float32Array.from(slice.data);
    data[100] = NaN;
    const nan = path.join(dir, 'nan.nii.gz');
    writeNifti(nan, createVolume(data, [64, 64, 1]));
    const result = await cli(
      'explain',
      '--model',
      model,
      '--input',
      nan,
      '--organ',
      'organ',
      '--roi',
      'none',
      '--out',
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has 1 voxel that is not a finite number \(NaN or infinite\).*fslmaths/);
  });
});
