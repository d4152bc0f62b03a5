import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

/** Ground-truth label checks of evaluate and explain: values that are not there, guessed values. */
describe('xai-clip labels', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-labels-'));
  const planted = fixture('planted2d.manifest.json');
  const image = path.join(dir, 'planted.nii.gz');
  const labels = path.join(dir, 'labels.nii.gz');
  // The organ on slice 0 only: slice 1 has no ground truth although the model predicts it there.
  const firstSliceLabels = path.join(dir, 'labels-slice0.nii.gz');
  const pngMasks = path.join(dir, 'png-masks');
  // planted3d_2ch (background, liver, spleen) on a volume where it predicts the spleen, with a
  // binary (0/1) mask of the spleen.
  const twoOrgans = fixture('planted3d_partial_clip.manifest.json');
  const spleenImage = path.join(dir, 'spleen.nii.gz');
  const spleenMask = path.join(dir, 'spleen-mask.nii.gz');
  const plane = 64 * 64;

  beforeAll(() => {
    const data = new Float32Array(2 * plane);
    data.set(plantedSlice().data, 0);
    data.set(plantedSlice().data, plane);
    writeNifti(image, createVolume(data, [64, 64, 2]));
    const mask = new Uint8Array(2 * plane);
    mask.set(plantedMask(), 0);
    writeNifti(firstSliceLabels, createVolume(mask, [64, 64, 2]));
    mask.set(plantedMask(), plane);
    writeNifti(labels, createVolume(mask, [64, 64, 2]));
    // CHAOS-style PNG masks: 255 on the organ.
    mkdirSync(pngMasks);
    for (let k = 0; k < 2; k++) {
      const png = new PNG({ width: 64, height: 64 });
      plantedMask().forEach((m, n) => png.data.set([m * 255, m * 255, m * 255, 255], 4 * n));
      writeFileSync(path.join(pngMasks, `organ_GT_${k}.png`), PNG.sync.write(png));
    }
    const [nx, ny, nz] = [32, 32, 16];
    const hu = new Float32Array(nx * ny * nz);
    const spleen = new Uint8Array(nx * ny * nz);
    for (let k = 0, v = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, v++) {
          const inS2 = k >= 8 && k <= 13 && j >= 20 && j <= 27 && i >= 4 && i <= 11;
          hu[v] = inS2 ? 1000 : -1000;
          spleen[v] = inS2 ? 1 : 0;
        }
    writeNifti(spleenImage, createVolume(hu, [nx, ny, nz]));
    writeNifti(spleenMask, createVolume(spleen, [nx, ny, nz]));
  });

  const explainArgs = (model: string, input: string, organ: string, ...extra: string[]) => [
    'explain',
    ...['--model', model, '--input', input, '--organ', organ, '--method', 'rise', '--samples', '4'],
    ...['--roi', 'none', '--json', '--out', path.join(dir, `out-${organ}-${extra.length}`), ...extra],
  ];

  it.each([
    ['NIfTI', labels, '0 (7,680 voxels), 1 (512 voxels)'],
    [
      'PNG',
      pngMasks,
      '0 (7,680 voxels), 1 (512 voxels) (PNG masks are read as 0 where black or transparent and 1 elsewhere)',
    ],
  ])(
    'evaluate refuses --label-values naming a value the %s labels do not hold, listing those they do',
    async (_, labelsPath, values) => {
      const result = await cli(
        ...['evaluate', '--model', planted, '--input', image, '--labels', labelsPath],
        ...['--label-values', 'organ=255'],
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `xai-clip: --label-values organ=255: the labels ${labelsPath} have no voxel of that value. ` +
          `Their values: ${values}. Pass the value each organ's voxels have, e.g. --label-values organ=1.\n`,
      );
    },
  );

  it('explain refuses such a value before explaining', async () => {
    const result = await cli(
      ...explainArgs(planted, image, 'organ', '--labels', labels, '--label-values', 'organ=255'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /--label-values organ=255: the labels .* have no voxel of that value. Their values: 0 \(7,680 voxels\), 1 \(512 voxels\)/,
    );
  });

  it('evaluate warns, without --label-values, that a binary mask is compared with class 1 and that a predicted class has no ground truth', async () => {
    const result = await cli(
      ...['evaluate', '--model', twoOrgans, '--input', spleenImage, '--labels', spleenMask, '--json'],
    );
    expect(result.code).toBe(0);
    const { classes, warnings } = JSON.parse(result.stdout);
    expect(classes.map((c: { name: string; labelValue: number }) => [c.name, c.labelValue])).toEqual([
      ['liver', 1],
      ['spleen', 2],
    ]);
    expect(warnings).toEqual([
      `The labels ${spleenMask} hold one organ value (1); without --label-values it is compared with class 1, ` +
        'liver (label value = class index). If the mask is another organ, pass --label-values <organ>=1 ' +
        "(the model's organs: liver, spleen).",
      `The labels ${spleenMask} have no voxel of value 2, spleen's class index, which is the default without ` +
        '--label-values, but the model predicts 16,384 voxels of spleen: its Dice/IoU compare with an empty ' +
        "ground truth. The labels' values: 0 (16,000 voxels), 1 (384 voxels). Pass --label-values spleen=<the value of its voxels>.",
    ]);
    expect(result.stderr).toBe(warnings.map((w: string) => `xai-clip: warning: ${w}\n`).join(''));
    // What the warnings say to do: the mask is the spleen.
    const fixed = await cli(
      ...['evaluate', '--model', twoOrgans, '--input', spleenImage, '--labels', spleenMask],
      ...['--label-values', 'spleen=1', '--json'],
    );
    expect(fixed.stderr).toBe('');
    expect(JSON.parse(fixed.stdout)).toMatchObject({
      classes: [{ name: 'spleen', labelValue: 1 }],
      warnings: [],
    });
  });

  it('explain warns when the organ asked for has no ground truth under the class-index default', async () => {
    const result = await cli(...explainArgs(twoOrgans, spleenImage, 'spleen', '--labels', spleenMask));
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.labelWarnings).toEqual([
      expect.stringContaining(
        `The labels ${spleenMask} have no voxel of value 2, spleen's class index, which is the default without --label-values`,
      ),
    ]);
    expect(result.stderr).toMatch(
      /^xai-clip: warning: The labels .* Pass --label-values spleen=<the value of its voxels>.\n$/,
    );
  });

  it('explain says, without --label-values, that a binary mask is compared with class 1 when that is the organ asked for', async () => {
    const result = await cli(...explainArgs(twoOrgans, spleenImage, 'liver', '--labels', spleenMask));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).labelWarnings).toEqual([
      `The labels ${spleenMask} hold one organ value (1); without --label-values it is compared with class 1, ` +
        'liver (label value = class index). If the mask is another organ, pass --label-values <organ>=1 ' +
        "(the model's organs: liver, spleen).",
    ]);
  });

  it('explain warns when the explained slice has no ground truth where the model predicts the organ', async () => {
    const result = await cli(
      ...explainArgs(planted, image, 'organ', '--labels', firstSliceLabels, '--label-values', 'organ=1'),
      ...['--scope', 'slice', '--slice', '1'],
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).labelWarnings).toEqual([
      `The labels ${firstSliceLabels} have no voxel of value 1 on the explained slices, but the model predicts ` +
        "4,096 voxels of organ: its Dice/IoU compare with an empty ground truth. The labels' values on the explained " +
        'slices: 0 (4,096 voxels). They hold 1 elsewhere: explain where they have organ, or check that they belong to this image.',
    ]);
  });

  it('explain asks for the organ when --label-values names only other classes', async () => {
    const result = await cli(
      ...explainArgs(twoOrgans, spleenImage, 'spleen', '--labels', spleenMask, '--label-values', 'liver=1'),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /--label-values liver=1 gives no value for spleen, the organ explained, .* Add spleen=<value> \(the labels' values: 0 \(16,000 voxels\), 1 \(384 voxels\)\)/,
    );
  });

  it('explains a class CLIP has no prompts for with the mask ROI, and says so', async () => {
    const out = path.join(dir, 'clip-fallback');
    const result = await cli(
      ...['explain', '--model', twoOrgans, '--input', spleenImage, '--organ', 'spleen', '--roi', 'clip'],
      ...['--method', 'rise', '--samples', '4', '--out', out],
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ROI mask\b/);
    expect(result.stdout).toMatch(
      /\nROI: the model's CLIP part has no prompts for spleen, so the ROI is the model's predicted spleen \(--roi mask\)/,
    );
  });
});
