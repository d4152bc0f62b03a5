import * as fs from 'fs';
import * as path from 'path';
import { comparisonsOf, rowsOf } from '../../cli/src/bench/aggregate';
import { BenchStore } from '../../cli/src/bench/benchStore';
import { headlineTable, sanityTable } from '../../cli/src/bench/formatBench';
import { loadInstrumentedModel } from '../../cli/src/bench/instrumentedModel';
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
// seeded bootstrap resamples by position, so its intervals depend on it (subjects as the cases list
// them, numerically; slices ascending).
const lines = BenchStore.latest(parsed.lines).sort(
  (a, b) => Number(a.slice.subject ?? 0) - Number(b.slice.subject ?? 0) || a.slice.slice - b.slice.slice,
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

  it('quotes every headline row (ROI − full per organ and method) as the stored slices give it', () => {
    const units = lines.flatMap((line) => line.units);
    const comparisons = comparisonsOf(
      rowsOf(units, settings.batchSize, () => NaN),
      units,
      settings.seed,
    );
    // Organs with at least the full mode's 20 slices: the README quotes only complete organs.
    const complete = comparisons.filter((c) => c.vsFull.topGtDice.slices >= 20);
    expect(complete.length).toBeGreaterThan(0);
    for (const row of headlineTable(complete).slice(2)) expect(readme).toContain(row);
  });

  it('quotes every sanity-map row of the complete organs as the stored slices give it', () => {
    const sanity = sanityRowsOf(
      lines.flatMap((line) => line.sanityUnits),
      settings.seed,
    ).filter((row) => row.slices >= 20);
    expect(sanity.length).toBeGreaterThan(0);
    for (const row of sanityTable(sanity).slice(2)) expect(readme).toContain(row);
  });
});
