import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { pickSlices } from '../../cli/src/bench/benchCases';
import { CHECKS } from '../../cli/src/bench/checks';
import { binarize } from '../../extension/src/engine/util/binarize';
import { fixture } from '../helpers/plantedImage';
import { writePlantedBenchCase } from '../helpers/plantedBenchCase';
import { runCli as cli } from '../helpers/runCli';

describe('xai-clip bench', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-bench-'));
  // A tiny synthetic dataset: 3 planted 64×64 slices, the organ (S) labelled on slices 1 and 2.
  // The second entry's value is not in the labels: skipped, with the values they hold.
  beforeAll(() =>
    writePlantedBenchCase(dir, [
      { organ: 'organ', labelValue: 1 },
      { organ: 'organ', labelValue: 255 },
    ]),
  );

  it('writes the JSON table (every method × full/ROI, coarse-to-fine, slab, sweep, checks) and markdown', async () => {
    const json = path.join(dir, 'out', 'bench.json');
    const result = await cli(
      'bench',
      '--quick',
      '--cases',
      path.join(dir, 'cases.json'),
      '--json',
      json,
      '--window-mm',
      '8',
      '--stride-mm',
      '4',
      '--rise-masks',
      '24',
      '--lime-samples',
      '24',
      '--deletion-steps',
      '4',
      '--sweep-batch-sizes',
      '1,8',
      '--timing-repeats',
      '2',
      '--method-option',
      'lime.featureSizeMm=12',
      '--quiet',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Benchmark \(quick\)/);
    const bench = JSON.parse(readFileSync(json, 'utf8'));
    expect(existsSync(json.replace(/\.json$/, '.md'))).toBe(true);
    expect(bench.notes).toContainEqual(
      expect.stringMatching(
        /no slice shows organ; skipped. The labels .*labels\.nii\.gz have no voxel of its value 255; their values: 0 \(11,776 voxels\), 1 \(512 voxels\). Fix the organ's labelValue.$/,
      ),
    );
    const rows = bench.rows as Record<string, unknown>[];
    for (const method of ['occlusion', 'rise', 'lime']) {
      for (const variant of ['full', 'roi']) {
        const row = rows.find((r) => r.method === method && r.variant === variant);
        expect(row).toMatchObject({
          dataset: 'planted',
          organ: 'organ',
          method,
          variant,
          backend: 'cpu',
          slices: 1,
        });
        for (const key of ['passes', 'wallMs', 'dice', 'iou', 'deletionAuc', 'insertionAuc', 'overhead']) {
          expect(typeof row![key]).toBe('number');
          expect(Number.isFinite(row![key])).toBe(true);
        }
        // The planted model predicts the organ everywhere: every map peaks inside it. It has no layer
        // of float weights to randomise (a region mask and constants), so no randomisation figure.
        expect(row!.pointingGame).toBe(1);
        expect(row!.randomisationSpearman).toBeNull();
        // LIME's surrogate reports how well it predicts held-out samples; the others fit none.
        if (method === 'lime') expect(row!.surrogateR2).toBeGreaterThan(0.5);
        else expect(row!.surrogateR2).toBeNull();
      }
    }
    expect(bench.notes).toContain(
      'planted: the model has no layer of float weights; no randomisation figure.',
    );
    const occlusion = (variant: string) =>
      rows.find((r) => r.method === 'occlusion' && r.variant === variant)!;
    // The ROI runs measured what their ROI leaves out; the full-image runs leave nothing out.
    expect(typeof occlusion('roi').outsideRoiDrop).toBe('number');
    expect(occlusion('full').outsideRoiDrop).toBeNull();
    expect(bench.comparisons[0].outsideRoiDrop).toBe(occlusion('roi').outsideRoiDrop);
    // Same grid: the ROI run is a subset of the full run's windows.
    expect(occlusion('roi').passes).toBeLessThan(occlusion('full').passes as number);
    expect(occlusion('roi').roiSource).toBe('clip');
    expect(rows.find((r) => r.method === 'occlusion-c2f')).toMatchObject({ variant: 'roi' });
    // Each explanation ran twice (variants in turns) but counts once, with its faster run.
    expect(bench.settings.timingRepeats).toBe(2);
    expect(bench.units).toHaveLength(7);
    // Each comparison is its method's ROI row against its full row.
    expect(bench.comparisons).toHaveLength(3);
    for (const c of bench.comparisons) {
      const [full, roi] = ['full', 'roi'].map((variant) =>
        rows.find((r) => r.method === c.method && r.variant === variant),
      ) as { dice: number; wallMs: number; deletionAuc: number }[];
      expect(c.diceChange).toBeCloseTo((roi.dice - full.dice) / full.dice, 3);
      expect(c.wallRatio).toBeCloseTo(roi.wallMs / full.wallMs, 3);
      expect(c.deletionAucDelta).toBeCloseTo(roi.deletionAuc - full.deletionAuc, 3);
    }
    expect(bench.coarseToFine[0].agreementTopGtIou).toBeGreaterThanOrEqual(0.7);
    expect(bench.coarseToFine[0].coarseToFinePasses).toBeLessThan(bench.coarseToFine[0].plainPasses);
    // The slab (the three slices): every slice perturbed against coarse-to-fine at the auto stride
    // (2 mm slices: every 8th, so the middle one is interpolated); the slices are alike, so the maps agree.
    expect(bench.slab).toMatchObject({
      dataset: 'planted',
      organ: 'organ',
      slices: 3,
      interpolatedSlices: 1,
    });
    expect(bench.slab.fastPasses).toBeLessThan(bench.slab.exhaustivePasses);
    expect(bench.slab.agreementTopGtIou).toBeGreaterThanOrEqual(0.8);
    expect(bench.slab.agreementPearson).toBeGreaterThan(0.8);
    expect(bench.performance.sweep.map((p: { batchSize: number }) => p.batchSize)).toEqual([1, 8]);
    for (const point of bench.performance.sweep) {
      expect(point.bareMsPerPass).toBeGreaterThan(0);
      expect(point.overhead).toBeGreaterThan(0);
    }
    expect(bench.performance.maxRssMb).toBeGreaterThan(0);
    // A declared option reaches its method's runs only, and every unit records what ran.
    const units = bench.units as { method: string; methodOptions: Record<string, unknown> }[];
    for (const unit of units.filter((u) => u.method === 'lime')) {
      expect(unit.methodOptions).toMatchObject({ featureSizeMm: 12 });
    }
    for (const unit of units.filter((u) => u.method === 'rise')) {
      expect(unit.methodOptions).toMatchObject({ keepProbability: 0.5 });
    }
    // Deletion/insertion scaled to the organ: normalised AUCs in [0, 1] and the insertion start, on every unit.
    for (const unit of bench.units as Record<string, number>[]) {
      for (const key of ['deletionAuc', 'insertionAuc']) {
        expect(unit[key]).toBeGreaterThanOrEqual(0);
        expect(unit[key]).toBeLessThanOrEqual(1);
      }
      expect(unit.insertionStart).toBeGreaterThan(0);
    }
    // Every ROI unit has its three controls; the full units none. The ROI indicator's Otsu
    // binarisation is the ROI itself, so its Dice lies below the occlusion map's (1 on this slice).
    for (const unit of bench.units as {
      variant: string;
      controls?: Record<string, { otsu: { dice: number } }>;
    }[]) {
      if (unit.variant === 'full') expect(unit.controls).toBeUndefined();
      else expect(Object.keys(unit.controls!)).toEqual(['maskedFull', 'roiIndicator', 'maskedRandom']);
    }
    expect(occlusion('roi').controls).toMatchObject({ maskedFull: { otsu: { dice: 1 } } });
    // The slice's sanity maps, scored with the same curves; one row each.
    expect(bench.sanity.units.map((u: { map: string }) => u.map)).toEqual([
      'predicted-mask',
      'random',
      'roi-indicator',
    ]);
    expect(bench.sanity.rows).toHaveLength(3);
    // Paired statistics per comparison: one slice gives a mean but no interval, so no verdict but a tie.
    for (const c of bench.comparisons) {
      expect(c.vsFull.otsuDice).toMatchObject({ slices: 1, low: null, high: null, verdict: 'tie' });
      expect(c.vsControls.roiIndicator.topGtIou.slices).toBe(1);
      expect(c.gains).toEqual([]);
    }
    const markdown = readFileSync(json.replace(/\.json$/, '.md'), 'utf8');
    expect(markdown).toMatch(/## ROI − full, paired per slice/);
    expect(markdown).toMatch(
      /\| planted \| organ \| occlusion \| Dice \(Otsu\) \| 1\.000 \| 1\.000 \| \+0\.000 \[–, –\] tie/,
    );
    expect(markdown).not.toMatch(/patient/); // the cases name no subject
    expect(markdown).toMatch(/\| planted \| organ \| random \| 1 \| 0\.\d{3} \[–, –\]/);
    // Every check of the table is evaluated on this run, with its figures.
    expect(new Set(bench.checks.map((c: { id: string }) => c.id))).toEqual(new Set(CHECKS.map((c) => c.id)));
    for (const check of bench.checks) expect(check.detail).toMatch(/\d/);
  });

  it('measures the randomisation figure on a model with layers (dense2d): the map decorrelates', async () => {
    const cases = path.join(dir, 'dense.json');
    writeFileSync(
      cases,
      JSON.stringify({
        cases: [
          {
            dataset: 'dense',
            model: fixture('dense2d.manifest.json'),
            input: 'image.nii.gz',
            labels: 'labels.nii.gz',
            organs: [{ organ: 'organ', labelValue: 1 }],
          },
        ],
      }),
    );
    const json = path.join(dir, 'out', 'dense.json');
    const result = await cli(
      'bench',
      '--quick',
      ...['--cases', cases, '--json', json, '--methods', 'occlusion', '--no-coarse-to-fine'],
      ...['--window-mm', '8', '--stride-mm', '4', '--deletion-steps', '2', '--slab-slices', '0'],
      ...['--sweep-batch-sizes', '8', '--timing-repeats', '1', '--quiet'],
    );
    expect(result.code).toBe(0);
    const bench = JSON.parse(readFileSync(json, 'utf8'));
    for (const variant of ['full', 'roi']) {
      const row = bench.rows.find((r: { variant: string }) => r.variant === variant);
      expect(row.randomisationSpearman).toBeLessThan(0.3);
      expect(row.pointingGame).toBe(1);
    }
    const markdown = readFileSync(json.replace(/\.json$/, '.md'), 'utf8');
    expect(markdown).toMatch(/\| pointing ↑ \| randomised r ↓ \|/);
  });

  it('rejects a method option the method does not declare before running anything', async () => {
    const result = await cli(
      'bench',
      '--quick',
      '--cases',
      path.join(dir, 'cases.json'),
      '--method-option',
      'lime.size=3',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/LIME has no option "size". Its options: features, featureSizeMm/);
  });

  it('rejects a timing repeat count below 1 before running anything', async () => {
    const result = await cli(
      'bench',
      '--quick',
      '--cases',
      path.join(dir, 'cases.json'),
      '--timing-repeats',
      '0',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--timing-repeats must be at least 1/);
  });

  it('fails with a clear message when a bundled model is missing', async () => {
    const result = await cli(
      'bench',
      '--quick',
      '--ct-model',
      path.join(dir, 'none.json'),
      '--datasets',
      'chaos-ct',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Model manifest not found: .*none\.json.*--ct-model/);
  });

  it('picks slices where the predicted organ is clearly present, at random with the seed', () => {
    // Predicted areas on slices 0–4: 0, 1, 8, 6, 2; at least half the largest: slices 2 and 3.
    const areas = [0, 1, 8, 6, 2];
    const pool = [0, 1, 2, 3, 4];
    expect(pickSlices(areas, pool, 5, 0)).toEqual([2, 3]);
    const drawn = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => pickSlices(areas, pool, 1, seed));
    for (const slices of drawn) expect([[2], [3]]).toContainEqual(slices);
    expect(new Set(drawn.map(String)).size).toBe(2); // both drawn, not always the first
    expect(pickSlices(areas, pool, 1, 3)).toEqual(drawn[3]);
    expect(pickSlices([0, 0], [4, 7], 1, 0)).toEqual([]);
  });

  it('takes the top |GT| voxels with ties broken at random, not by position', () => {
    const seededTopCount = (values: Float32Array, count: number, seed: number) =>
      binarize(values, { kind: 'topCount', count, seed });
    const flat = new Float32Array(100).fill(1);
    const mask = seededTopCount(flat, 10, 1);
    expect(mask.reduce((sum, m) => sum + m, 0)).toBe(10);
    expect(Array.from(mask.subarray(0, 10))).not.toEqual(new Array(10).fill(1));
    expect(seededTopCount(flat, 10, 1)).toEqual(mask);
    const ranked = Float32Array.from({ length: 100 }, (_, v) => v);
    expect(Array.from(seededTopCount(ranked, 3, 1).subarray(97))).toEqual([1, 1, 1]);
  });
});
