import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { readNifti } from '../../cli/src/io/readNifti';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { fixture } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

/*
 * A 3-D model that sees the whole volume resized (8×24×24, two CT windows) on a 48×48×8 CT:
 * a body of 40 HU in air with a 150 HU "liver" block on slices 2–5. The model is slice-local, so
 * the liver on the explained slice depends on that slice alone: every figure of an explanation
 * must refer to the explained slices, whatever the other slices hold.
 */
const [NX, NY, NZ] = [48, 48, 8];
const LIVER = { i: [8, 24], j: [12, 28], k: [2, 6] };
const EXPLAINED = 3;
const inLiver = (i: number, j: number, k: number) =>
  i >= LIVER.i[0] && i < LIVER.i[1] && j >= LIVER.j[0] && j < LIVER.j[1] && k >= LIVER.k[0] && k < LIVER.k[1];
const inBody = (i: number, j: number) => ((i - 24) / 21) ** 2 + ((j - 24) / 19) ** 2 <= 1;
const range = (first: number, end: number) => Array.from({ length: end - first }, (_, n) => first + n);

describe('xai-clip CLI with a 3-D model resized from the whole volume', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-3d-'));
  const image = path.join(dir, 'ct.nii.gz');
  const labels = path.join(dir, 'labels.nii.gz');
  const model = fixture('local3d_2ch.manifest.json');
  const geometry = { spacing: [1.5, 1.5, 4] as [number, number, number] };
  beforeAll(() => {
    const hu = new Float32Array(NX * NY * NZ);
    const truth = new Uint8Array(NX * NY * NZ);
    for (let k = 0, v = 0; k < NZ; k++)
      for (let j = 0; j < NY; j++)
        for (let i = 0; i < NX; i++, v++) {
          hu[v] = inLiver(i, j, k) ? 150 : inBody(i, j) ? 40 : -1000;
          truth[v] = inLiver(i, j, k) ? 1 : 0;
        }
    writeNifti(image, createVolume(hu, [NX, NY, NZ], geometry));
    writeNifti(labels, createVolume(truth, [NX, NY, NZ], geometry));
  });

  it('segments and evaluates the liver', async () => {
    const segment = await cli(
      'segment',
      '--model',
      model,
      '--input',
      image,
      '--out',
      path.join(dir, 'seg.nii.gz'),
    );
    expect(segment.code).toBe(0);
    const labelled = await readNifti(path.join(dir, 'seg.nii.gz'));
    expect(labelled.dimensions).toEqual([NX, NY, NZ]);
    const evaluate = await cli(
      ...['evaluate', '--model', model, '--input', image, '--labels', labels, '--label-values', 'liver=1'],
      '--json',
    );
    expect(evaluate.code).toBe(0);
    const liver = JSON.parse(evaluate.stdout).classes.find((c: { name: string }) => c.name === 'liver');
    expect(liver.dice).toBeGreaterThan(0.95);
  });

  // With a 3 mm margin the ROI (the predicted liver, dilated one slice) spans slices 1–6.
  const cases = ['occlusion', 'rise', 'lime'].flatMap((method) =>
    (
      [
        ['slice', [EXPLAINED]],
        ['slab', range(1, 7)],
        ['volume', range(0, NZ)],
      ] as const
    ).map(([scope, slices]) => [method, scope, slices] as const),
  );

  it.each(cases)(
    '%s at scope %s: every figure refers to the explained slices',
    async (method, scope, slices) => {
      const out = path.join(dir, `${method}-${scope}`);
      const result = await cli(
        ...['explain', '--model', model, '--input', image, '--labels', labels, '--label-values', 'liver=1'],
        ...['--organ', 'liver', '--roi', 'mask', '--margin-mm', '3', '--method', method, '--scope', scope],
        ...['--slice', String(EXPLAINED), '--window-mm', '6', '--samples', '150', '--json', '--out', out],
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.slices).toEqual([...slices]);
      const explainedVoxels = slices.length * NX * NY;
      const { box, voxels, fraction } = report.roi;
      expect(box.min[2]).toBeGreaterThanOrEqual(slices[0]);
      expect(box.max[2]).toBeLessThanOrEqual(slices[slices.length - 1] + 1);
      expect(voxels).toBeLessThanOrEqual(explainedVoxels);
      expect(fraction).toBeCloseTo(voxels / explainedVoxels, 10);
      for (const k of report.overlay.slices) expect(slices).toContain(k);
      // The liver's score on the explained slices needs nothing outside the ROI (this model is
      // slice-local); scored over the whole volume, it fell by 75 % for scope slice.
      expect(Math.abs(report.outsideRoiDrop)).toBeLessThan(0.02);
      // Dice of the map vs the liver on the explained slices (over the volume RISE scored 0.33).
      expect(report.metrics.otsu.dice).toBeGreaterThan(0.5);
      if (scope !== 'slice') return;
      expect(box.min[2]).toBe(EXPLAINED);
      expect(report.overlay.slices).toEqual([EXPLAINED]);
      const saliency = await readNifti(path.join(out, 'saliency.nii.gz'));
      const plane = NX * NY;
      const mass = (k: number) =>
        Array.from(saliency.data.subarray(k * plane, (k + 1) * plane)).reduce((s, x) => s + Math.abs(x), 0);
      expect(mass(EXPLAINED)).toBeGreaterThan(0);
      // Every method perturbs the slice only (occlusion's coarse outside tiles too): the map is the slice's.
      for (const k of range(0, NZ)) if (k !== EXPLAINED) expect(mass(k)).toBe(0);
    },
  );

  it('finds no liver to explain on a slice without liver, whatever the other slices hold', async () => {
    const result = await cli(
      ...['explain', '--model', model, '--input', image, '--organ', 'liver', '--roi', 'none'],
      ...['--method', 'rise', '--samples', '20', '--scope', 'slice', '--slice', '0', '--json'],
      ...['--out', path.join(dir, 'liver-free')],
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.passes).toBe(1);
    expect(report.notes).toContain('Slice 0: the model predicts no liver; saliency is 0.');
  });

  it('spends no outside-ROI pass when the ROI covers the whole explained slice', async () => {
    const result = await cli(
      ...['explain', '--model', model, '--input', image, '--organ', 'liver', '--roi', 'mask'],
      ...['--roi-shape', 'box', '--margin-mm', '100', '--method', 'rise', '--samples', '20'],
      ...['--scope', 'slice', '--slice', String(EXPLAINED), '--json', '--out', path.join(dir, 'whole-slice')],
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.roi.fraction).toBe(1);
    expect(report.passes).toBe(21);
    expect(report.outsideRoiDrop).toBeUndefined();
  });

  it('says when the resize to the network skips the explained slice', async () => {
    // 24 slices resized to 8: network slice d reads image slice 3d + 1 alone, so slice 9 is never seen.
    const stretched = path.join(dir, 'ct24.nii.gz');
    const hu = new Float32Array(NX * NY * 24);
    for (let k = 0, v = 0; k < 24; k++)
      for (let j = 0; j < NY; j++)
        for (let i = 0; i < NX; i++, v++)
          hu[v] = inLiver(i, j, Math.floor(k / 3)) ? 150 : inBody(i, j) ? 40 : -1000;
    writeNifti(stretched, createVolume(hu, [NX, NY, 24], { spacing: [1.5, 1.5, 4 / 3] }));
    const explain = async (slice: number) => {
      const result = await cli(
        ...['explain', '--model', model, '--input', stretched, '--organ', 'liver', '--roi', 'mask'],
        ...['--method', 'rise', '--samples', '40', '--scope', 'slice', '--slice', String(slice)],
        ...['--json', '--out', path.join(dir, `stretched-${slice}`)],
      );
      expect(result.code).toBe(0);
      return JSON.parse(result.stdout);
    };
    const [skipped, seen] = [await explain(9), await explain(10)];
    expect(skipped.notes).toContainEqual(
      expect.stringMatching(/^No perturbation of slice 9 changed the model's liver score/),
    );
    expect(seen.notes).toEqual([]);
  });
});
