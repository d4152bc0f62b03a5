import * as fs from 'fs';
import * as path from 'path';
import { comparisonsOf, rowsOf } from '../../cli/src/bench/aggregate';
import { BenchStore } from '../../cli/src/bench/benchStore';
import { headlineTable, sanityTable } from '../../cli/src/bench/formatBench';
import { loadInstrumentedModel } from '../../cli/src/bench/instrumentedModel';
import { signedPercent } from '../../cli/src/bench/numbers';
import { BUNDLED_MODELS } from '../../cli/src/bench/repoPaths';
import { sanityRowsOf } from '../../cli/src/bench/sanityRows';
import { defaultSettings, settingsKey } from '../../cli/src/bench/settings';

/**
 * The README's full-benchmark tables are what the committed store (bench-results/full.jsonl, written
 * by `npm run bench -- --no-randomisation --store …` in parts) aggregates to: every line of the
 * headline and sanity tables is recomputed here from the stored per-slice units, with the same
 * aggregation and seeded statistics as the bench.
 */
const repo = path.resolve(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
const parsed = BenchStore.parse(fs.readFileSync(path.join(repo, 'bench-results', 'full.jsonl'), 'utf8'));
// The lines a run uses (of a slice stored twice, the later), in the order a run explains them: the
// seeded bootstrap resamples by position, so its intervals depend on it (the CT case, then the MR
// subjects numerically, as the cases list them; slices ascending).
const DATASET_ORDER = ['chaos-ct', 'chaos-mr'];
const lines = BenchStore.latest(parsed.lines).sort(
  (a, b) =>
    DATASET_ORDER.indexOf(a.slice.dataset) - DATASET_ORDER.indexOf(b.slice.dataset) ||
    Number(a.slice.subject ?? 0) - Number(b.slice.subject ?? 0) ||
    a.slice.slice - b.slice.slice,
);
const settings = { ...defaultSettings('full'), randomisation: false };
const MODELS: Record<string, string> = { 'chaos-mr': BUNDLED_MODELS.mr(), 'chaos-ct': BUNDLED_MODELS.ct() };

describe('the full benchmark in the README', () => {
  it('is read from a store of the documented settings and the bundled models, every line whole', async () => {
    expect(parsed.malformed).toEqual([]);
    expect(lines.length).toBe(parsed.lines.length); // no slice stored twice
    for (const line of lines) expect(line.settingsKey).toBe(settingsKey(settings));
    for (const dataset of new Set(lines.map((line) => line.slice.dataset))) {
      const model = await loadInstrumentedModel(MODELS[dataset]);
      for (const line of lines.filter((l) => l.slice.dataset === dataset))
        expect(line.model).toEqual(model.identity);
    }
  });

  const units = lines.flatMap((line) => line.units);
  const rows = rowsOf(units, settings.batchSize, () => NaN);
  const comparisons = comparisonsOf(rows, units, settings.seed);

  it('quotes every headline row (ROI − full per organ and method) as the stored slices give it', () => {
    // The whole full selection: 20 slices per MR organ (5 from each held-out subject) and the CT
    // study's 16 held-out slices (all its candidates; the full mode asks for 20).
    expect(
      comparisons.map((c) => [c.dataset, c.organ, c.method, c.vsFull.topGtDice.slices].join(' ')).sort(),
    ).toEqual(
      [
        ['chaos-ct', 'liver', 16],
        ['chaos-mr', 'liver', 20],
        ['chaos-mr', 'right_kidney', 20],
        ['chaos-mr', 'left_kidney', 20],
        ['chaos-mr', 'spleen', 20],
      ]
        .flatMap(([dataset, organ, slices]) =>
          ['occlusion', 'rise', 'lime'].map((method) => [dataset, organ, method, slices].join(' ')),
        )
        .sort(),
    );
    for (const row of headlineTable(comparisons).slice(2)) expect(readme).toContain(row);
  });

  it('quotes every sanity-map row as the stored slices give it', () => {
    const sanity = sanityRowsOf(
      lines.flatMap((line) => line.sanityUnits),
      settings.seed,
    );
    expect(sanity).toHaveLength(5 * 3); // every organ: predicted mask, random, ROI indicator
    for (const row of sanityTable(sanity).slice(2)) expect(readme).toContain(row);
  });

  it("quotes the findings' relative changes and LIME's held-out R² as the stored slices give them", () => {
    const comparison = (dataset: string, organ: string, method: string) =>
      comparisons.find((c) => c.dataset === dataset && c.organ === organ && c.method === method)!;
    const [ctRise, ctLime] = [
      comparison('chaos-ct', 'liver', 'rise'),
      comparison('chaos-ct', 'liver', 'lime'),
    ];
    // The README's prose, its line breaks as spaces.
    const prose = readme.replace(/\s+/g, ' ');
    expect(prose).toContain(
      `relative Otsu Dice ${signedPercent(ctRise.diceChange)} and ${signedPercent(ctLime.diceChange)}, IoU ${signedPercent(ctRise.iouChange)} and ${signedPercent(ctLime.iouChange)}`,
    );
    const mrRise = comparison('chaos-mr', 'liver', 'rise');
    expect(prose).toContain(
      `${signedPercent(mrRise.diceChange)} Otsu Dice and ${signedPercent(mrRise.iouChange)} IoU`,
    );
    const r2 = (dataset: string, organ: string, variant: string) =>
      rows
        .find(
          (r) => r.dataset === dataset && r.organ === organ && r.method === 'lime' && r.variant === variant,
        )!
        .surrogateR2!.toFixed(3);
    const fits = [
      ['spleen', 'chaos-mr', 'spleen'],
      ['right kidney', 'chaos-mr', 'right_kidney'],
      ['left kidney', 'chaos-mr', 'left_kidney'],
      ['CT liver', 'chaos-ct', 'liver'],
      ['MR liver', 'chaos-mr', 'liver'],
    ].map(
      ([name, dataset, organ]) => `${name} ${r2(dataset, organ, 'roi')} vs ${r2(dataset, organ, 'full')}`,
    );
    expect(prose).toContain(`${fits.join(', ')}.`);
  });
});
