import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { PNG } from 'pngjs';
import { listCohort, parseShard, shardCases } from '../../cli/src/cohort/listCohort';
import { OVERLAY_FLOOR, overlayColor, renderOverlayPng } from '../../cli/src/cohort/overlayPng';
import { SUMMARY_COLUMNS } from '../../cli/src/cohort/summaryCsv';
import { readNifti } from '../../cli/src/io/readNifti';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { dataRoot } from '../helpers/dataRoot';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

/** A planted 64×64×2 case; `shift` moves the image's origin so the two cases differ in geometry. */
function writeCase(folder: string, name: string, shift: number) {
  const geometry = {
    spacing: [1, 1, 2.5] as [number, number, number],
    origin: [-10 + shift, 20, 30] as [number, number, number],
    direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1],
  };
  const data = new Float32Array(64 * 64 * 2);
  data.set(plantedSlice().data, 0);
  data.set(plantedSlice().data, 64 * 64);
  writeNifti(path.join(folder, `image_${name}.nii.gz`), createVolume(data, [64, 64, 2], geometry));
  const mask = new Uint8Array(64 * 64 * 2);
  mask.set(plantedMask(), 64 * 64);
  writeNifti(path.join(folder, `label_${name}.nii.gz`), createVolume(mask, [64, 64, 2], geometry));
  return geometry;
}

describe('explain over a cohort', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-cohort-'));
  const cohort = path.join(dir, 'cohort');
  mkdirSync(cohort);
  const geometries = { a: writeCase(cohort, 'a', 0), b: writeCase(cohort, 'b', 5) };
  const model = fixture('planted2d.manifest.json');
  const explainArgs = (out: string, ...extra: string[]) => [
    'explain',
    '--model',
    model,
    '--input',
    cohort,
    '--labels',
    cohort,
    '--label-values',
    'organ=1',
    '--organ',
    'organ',
    '--roi',
    'none',
    '--scope',
    'slice',
    '--slice',
    '1',
    '--window-mm',
    '8',
    '--stride-mm',
    '8',
    '--fill',
    '0',
    '--out',
    out,
    ...extra,
  ];

  it('lists a folder of NIfTI files as cases, pairing image_N with label_N in the labels folder', () => {
    const cases = listCohort(cohort, cohort);
    expect(cases.map((c) => c.id)).toEqual(['image_a', 'image_b']);
    expect(cases[0].labels).toBe(path.join(cohort, 'label_a.nii.gz'));
  });

  it('explains every case once, writes per-case outputs and a summary, and skips finished cases on a re-run', async () => {
    const out = path.join(dir, 'out');
    const first = await cli(...explainArgs(out));
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/2 case\(s\): 2 done, 0 skipped, 0 failed/);
    for (const id of ['image_a', 'image_b']) {
      for (const file of ['saliency.nii.gz', 'overlay.png', 'report.json']) {
        expect(existsSync(path.join(out, id, file))).toBe(true);
      }
    }
    const [header, ...lines] = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(header.split(',')).toEqual([...SUMMARY_COLUMNS]);
    expect(lines).toHaveLength(2);
    const row = Object.fromEntries(header.split(',').map((column, n) => [column, lines[0].split(',')[n]]));
    expect(row).toMatchObject({
      case: 'image_a',
      status: 'done',
      organ: 'organ',
      method: 'occlusion',
      slices: '1',
    });
    expect(Number(row.passes)).toBe(65);
    expect(row.outside_roi_drop).toBe(''); // no ROI, nothing left out
    expect(Number(row.dice_top_gt)).toBeGreaterThan(0.5);
    // The case's peak resident memory, Node and the loaded model included (Linux: the kernel's
    // high-water mark): above a bare Node process, far below what a 64×64 case could need.
    expect(Number(row.peak_rss_mib)).toBeGreaterThan(30);
    expect(Number(row.peak_rss_mib)).toBeLessThan(1024);
    const report = JSON.parse(readFileSync(path.join(out, 'image_a', 'report.json'), 'utf8'));
    expect(report.peakRss.source).toBe('maxRSS');
    expect(Math.round(report.peakRss.bytes / 2 ** 20)).toBe(Number(row.peak_rss_mib));

    // The saliency NIfTI has the source's geometry, read back from disk.
    for (const [id, geometry] of [
      ['image_a', geometries.a],
      ['image_b', geometries.b],
    ] as const) {
      const saliency = await readNifti(path.join(out, id, 'saliency.nii.gz'));
      const source = await readNifti(path.join(cohort, `${id}.nii.gz`));
      expect(saliency.dimensions).toEqual(source.dimensions);
      saliency.spacing.forEach((s, a) => expect(s).toBeCloseTo(geometry.spacing[a], 5));
      saliency.origin.forEach((o, a) => expect(o).toBeCloseTo(source.origin[a], 4));
      saliency.direction.forEach((d, n) => expect(d).toBeCloseTo(source.direction[n], 5));
    }

    const reportTime = statSync(path.join(out, 'image_a', 'report.json')).mtimeMs;
    const second = await cli(...explainArgs(out, '--json'));
    expect(second.code).toBe(0);
    const result = JSON.parse(second.stdout);
    expect(result.cases.map((c: { status: string }) => c.status)).toEqual(['skipped', 'skipped']);
    expect(statSync(path.join(out, 'image_a', 'report.json')).mtimeMs).toBe(reportTime);
    expect(readFileSync(path.join(out, 'summary.csv'), 'utf8')).toMatch(/image_b,skipped,/);

    // Other settings are another explanation: the case runs again.
    const third = await cli(...explainArgs(out, '--json', '--fill', 'min'));
    expect(JSON.parse(third.stdout).cases.map((c: { status: string }) => c.status)).toEqual(['done', 'done']);
  });

  it('splits the cohort into disjoint, deterministic shards', async () => {
    const cases = listCohort(cohort, cohort);
    const one = shardCases(cases, parseShard('1/2')).map((c) => c.id);
    const two = shardCases(cases, parseShard('2/2')).map((c) => c.id);
    expect(one).toEqual(['image_a']);
    expect(two).toEqual(['image_b']);
    expect(shardCases(listCohort(cohort, cohort), parseShard('1/2')).map((c) => c.id)).toEqual(one);
    expect(() => parseShard('0/2')).toThrow(/1 ≤ i ≤ n/);
    expect(() => parseShard('3/2')).toThrow(/1 ≤ i ≤ n/);

    const out = path.join(dir, 'sharded');
    const result = await cli(...explainArgs(out, '--shard', '2/2', '--json'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cases.map((c: { id: string }) => c.id)).toEqual(['image_b']);
    expect(existsSync(path.join(out, 'image_a'))).toBe(false);
    expect(readFileSync(path.join(out, 'summary-shard-2-of-2.csv'), 'utf8').trim().split('\n')).toHaveLength(
      2,
    );
  });

  it('reads a list file with image and labels columns, and reports a failed case without stopping', async () => {
    const list = path.join(dir, 'cases.csv');
    writeFileSync(
      list,
      [
        'input,labels',
        'cohort/image_a.nii.gz,cohort/label_a.nii.gz',
        '# a comment',
        'cohort/missing.nii.gz',
      ].join('\n'),
    );
    const out = path.join(dir, 'listed');
    const result = await cli(...explainArgs(out).map((arg) => (arg === cohort ? list : arg)));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/1 of 2 case\(s\) failed \(missing\)/);
    const summary = readFileSync(path.join(out, 'summary.csv'), 'utf8');
    expect(summary).toMatch(/image_a,done,/);
    expect(summary).toMatch(/missing,failed,.*Input (file )?not found/);
  });

  it('refuses --shard for a single image', async () => {
    const result = await cli(
      ...explainArgs(path.join(dir, 'single'), '--shard', '1/2').map((arg) =>
        arg === cohort ? path.join(cohort, 'image_a.nii.gz') : arg,
      ),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--shard splits a cohort/);
  });

  it('takes a folder of DICOM series folders (linked), one case per series', async () => {
    const series = path.join(dir, 'series');
    mkdirSync(series);
    const ct = path.join(dataRoot(), 'chaos-ct', 'dicom');
    symlinkSync(ct, path.join(series, 'ct-first'));
    symlinkSync(ct, path.join(series, 'ct-second'));
    expect(listCohort(series).map((c) => c.id)).toEqual(['ct-first', 'ct-second']);
    const out = path.join(dir, 'dicom-out');
    const result = await cli(
      ...explainArgs(out, '--json')
        .map((arg) => (arg === cohort ? series : arg))
        .filter((arg, n, all) => arg !== '--labels' && all[n - 1] !== '--labels')
        .map((arg, n, all) => (all[n - 1] === '--window-mm' || all[n - 1] === '--stride-mm' ? '120' : arg)),
    );
    expect(result.stderr).toMatch(/Cohort .*: 2 case\(s\)/);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cases.map((c: { status: string }) => c.status)).toEqual([
      'done',
      'done',
    ]);
    const saliency = await readNifti(path.join(out, 'ct-second', 'saliency.nii.gz'));
    expect(saliency.dimensions).toEqual([512, 512, 78]);
    const png = PNG.sync.read(readFileSync(path.join(out, 'ct-first', 'overlay.png')));
    expect(png.height).toBe(14 + 256 + 6);
  });

  it('draws the most salient slices with the saliency in colour and a legend (read back with pngjs)', async () => {
    const out = path.join(dir, 'out');
    const png = PNG.sync.read(readFileSync(path.join(out, 'image_a', 'overlay.png')));
    const source = await readNifti(path.join(cohort, 'image_a.nii.gz'));
    const saliency = await readNifti(path.join(out, 'image_a', 'saliency.nii.gz'));
    // Same layout as rendering the outputs again: one 256-pixel panel (slice 1) and the legend.
    const { layout } = renderOverlayPng(source, saliency as never, [1]);
    expect([png.width, png.height]).toEqual([layout.width, layout.height]);
    expect(png.width).toBeGreaterThan(256);
    const pixel = (x: number, y: number) => [
      ...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3),
    ];
    const { x0, top, bottom } = layout.bar;
    expect(pixel(x0 + 4, top)).toEqual(overlayColor(1));
    expect(pixel(x0 + 4, bottom)).toEqual(overlayColor(OVERLAY_FLOOR));
    // The panel shows coloured (non-grey) pixels where the saliency is.
    let coloured = 0;
    for (let y = 14; y < 14 + 256; y++) {
      for (let x = 0; x < 256; x++) {
        const [r, g, b] = pixel(x, y);
        if (Math.abs(r - g) > 30 || Math.abs(g - b) > 30) coloured++;
      }
    }
    expect(coloured).toBeGreaterThan(500);
  });
});
