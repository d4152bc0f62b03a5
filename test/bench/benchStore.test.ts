import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { BenchStore, STORE_VERSION } from '../../cli/src/bench/benchStore';
import { defaultSettings, SETTING_ROLES, settingsKey } from '../../cli/src/bench/settings';
import { writePlantedBenchCase } from '../helpers/plantedBenchCase';
import { runCli as cli } from '../helpers/runCli';

/* eslint-disable @typescript-eslint/no-explicit-any -- the result JSON is read as it was written */

describe('xai-clip bench --store', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-bench-store-'));
  // The planted dataset of bench.test.ts: 3 slices, the organ labelled on slices 1 and 2; the
  // planted model predicts it on all three, so every slice can be picked.
  const cases = writePlantedBenchCase(dir, [{ organ: 'organ', labelValue: 1 }]);

  let runs = 0;
  /** A tiny bench run (occlusion with coarse-to-fine, RISE; two slices), its result and stderr. */
  async function bench(store: string | undefined, ...extra: string[]) {
    const json = path.join(dir, 'out', `run-${++runs}.json`);
    const result = await cli(
      'bench',
      '--quick',
      ...['--cases', cases, '--json', json, '--methods', 'occlusion,rise'],
      ...['--window-mm', '8', '--stride-mm', '4', '--rise-masks', '16', '--deletion-steps', '2'],
      ...[
        '--slab-slices',
        '0',
        '--sweep-batch-sizes',
        '8',
        '--timing-repeats',
        '1',
        '--slices-per-organ',
        '2',
      ],
      ...(store ? ['--store', store] : []),
      ...extra,
    );
    expect(result.stdout + result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);
    return { bench: JSON.parse(readFileSync(json, 'utf8')), stderr: result.stderr };
  }
  const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
  /** Rows without the overhead, which divides by the bare session timed again in every run. */
  const rowsWithoutOverhead = (bench: any) => bench.rows.map(({ overhead: _, ...row }: any) => row);
  /** A unit with what the store checks of one, and `figures` over it. */
  const storedUnit = (figures: object) => ({
    method: 'occlusion',
    variant: 'full',
    passes: 1,
    otsu: { dice: 0.5 },
    topGt: { dice: 0.5 },
    deletionAuc: 0.1,
    ...figures,
  });
  const explainedLines = (stderr: string) => stderr.split('\n').filter((line) => / passes, /.test(line));

  it('a second run with the same store explains nothing and aggregates the same', async () => {
    const store = path.join(dir, 'same', 'nested', 'store.jsonl'); // its folder is created
    const first = await bench(store, '--quiet');
    expect(first.bench.store).toMatchObject({
      reusedSlices: 0,
      explainedSlices: 2,
      ignoredLines: { otherSettings: 0, otherModel: 0, otherVersion: 0, malformed: 0 },
    });
    expect(lines(store)).toHaveLength(2);
    const stored = JSON.parse(lines(store)[0]);
    expect(stored).toMatchObject({ slice: { dataset: 'planted', organ: 'organ', labelValue: 1 } });
    expect(stored.model).toMatchObject({
      name: expect.any(String),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(stored.units).toHaveLength(5); // occlusion full, ROI, coarse-to-fine; RISE full, ROI
    expect(stored.coarseToFine).toHaveLength(1);

    const second = await bench(store);
    expect(explainedLines(second.stderr)).toEqual([]);
    expect(second.stderr.match(/slice \d: reused from the store/g)).toHaveLength(2);
    expect(second.bench.store).toMatchObject({ reusedSlices: 2, explainedSlices: 0 });
    expect(lines(store)).toHaveLength(2); // nothing appended
    expect(second.bench.units).toEqual(first.bench.units);
    expect(rowsWithoutOverhead(second.bench)).toEqual(rowsWithoutOverhead(first.bench));
    expect(second.bench.comparisons).toEqual(first.bench.comparisons);
    expect(second.bench.coarseToFine).toEqual(first.bench.coarseToFine);
    expect(second.bench.sanity).toEqual(first.bench.sanity);
    expect(second.bench.notes).toContainEqual(
      expect.stringMatching(/2 slice\(s\) reused, 0 explained now.*Timing figures/),
    );
    expect(readFileSync(path.join(dir, 'out', `run-${runs}.md`), 'utf8')).toMatch(
      /store\.jsonl: 2 slice\(s\) reused/,
    );
  });

  it('a run of fewer slices, then the whole selection: only the missing slices are explained', async () => {
    const store = path.join(dir, 'parts.jsonl');
    const part = await bench(store, '--quiet', '--slices-per-organ', '1');
    const whole = await bench(store, '--slices-per-organ', '3');
    expect(part.bench.store).toMatchObject({ reusedSlices: 0, explainedSlices: 1 });
    expect(whole.bench.store).toMatchObject({ reusedSlices: 1, explainedSlices: 2 });
    const [partSlice] = part.bench.units.map((u: any) => u.slice);
    expect(whole.stderr).toMatch(new RegExp(`slice ${partSlice}: reused from the store`));
    expect(explainedLines(whole.stderr).some((line) => line.includes(`slice ${partSlice} `))).toBe(false);
    // The aggregate is that of the three slices explained in one run (timings aside).
    // Asked for 4 of the 3 slices: all 3 are taken, and the notes say the row rests on fewer.
    const fresh = await bench(undefined, '--quiet', '--slices-per-organ', '4');
    expect(fresh.bench.notes).toContainEqual(
      'planted organ: 3 slices where 4 were asked for: of the 3 candidate slices, 3 show the predicted organ at half its largest area or more.',
    );
    expect(whole.bench.notes.join('\n')).not.toMatch(/were asked for/);
    const scores = (bench: any) =>
      bench.rows.map((r: any) => [
        r.method,
        r.variant,
        r.slices,
        r.passes,
        r.dice,
        r.topGt,
        r.deletionAuc,
        r.insertionAuc,
      ]);
    expect(scores(whole.bench)).toEqual(scores(fresh.bench));
    const statistics = (bench: any) => bench.comparisons.map((c: any) => [c.vsFull, c.vsControls, c.gains]);
    expect(statistics(whole.bench)).toEqual(statistics(fresh.bench));
    const agreement = (bench: any) =>
      bench.coarseToFine.map((c: any) => [c.slices, c.coarseToFinePasses, c.agreementTopGtIou]);
    expect(agreement(whole.bench)).toEqual(agreement(fresh.bench));
    expect(whole.bench.sanity.rows).toEqual(fresh.bench.sanity.rows);
  });

  it('explains again when a map setting changed, and reuses when only a performance setting did', async () => {
    const store = path.join(dir, 'settings.jsonl');
    await bench(store, '--quiet');
    const otherWindow = await bench(store, '--quiet', '--window-mm', '6');
    expect(otherWindow.bench.store).toMatchObject({
      reusedSlices: 0,
      explainedSlices: 2,
      ignoredLines: { otherSettings: 2, otherModel: 0 },
    });
    expect(otherWindow.bench.notes).toContainEqual(
      expect.stringMatching(/2 line\(s\) ignored: 2 made with other settings/),
    );
    expect(lines(store)).toHaveLength(4); // the other settings' lines are kept
    const otherSweep = await bench(store, '--quiet', '--sweep-batch-sizes', '1,4', '--timing-repeats', '2');
    expect(otherSweep.bench.store).toMatchObject({ reusedSlices: 2, explainedSlices: 0 });
  });

  it('explains again a line scored by an earlier store version', async () => {
    const store = path.join(dir, 'version.jsonl');
    await bench(store, '--quiet');
    const older = lines(store).map((line) => line.replace(`"version":${STORE_VERSION},`, '"version":0,'));
    writeFileSync(store, `${older.join('\n')}\n`);
    const rerun = await bench(store, '--quiet');
    expect(rerun.bench.store).toMatchObject({
      reusedSlices: 0,
      explainedSlices: 2,
      ignoredLines: { otherSettings: 0, otherModel: 0, otherVersion: 2 },
    });
    expect(rerun.bench.notes).toContainEqual(expect.stringMatching(/2 scored by an earlier version/));
  });

  it("leaves another part's lines alone: a line of a dataset the run does not cover is not counted as ignored", async () => {
    const store = path.join(dir, 'parts-of-datasets.jsonl');
    await bench(store, '--quiet');
    // The same slices as another dataset's part of the benchmark, made with another model.
    const otherPart = lines(store).map((line) =>
      line
        .replace('"dataset":"planted"', '"dataset":"other"')
        .replace(/"sha256":"[0-9a-f]+"/, `"sha256":"${'b'.repeat(64)}"`),
    );
    writeFileSync(store, `${[...lines(store), ...otherPart].join('\n')}\n`);
    const rerun = await bench(store, '--quiet');
    expect(rerun.bench.store).toMatchObject({
      reusedSlices: 2,
      explainedSlices: 0,
      ignoredLines: { otherSettings: 0, otherModel: 0, otherVersion: 0, malformed: 0 },
    });
    expect(rerun.bench.notes).toContainEqual(
      expect.stringMatching(/2 line\(s\) of other datasets left alone\.$/),
    );
  });

  it('tells apart two cases of one dataset without subjects by their input', () => {
    const store = BenchStore.open(path.join(dir, 'inputs.jsonl'));
    const model = { name: 'm', version: '1', sha256: 'a'.repeat(64) };
    const slice = (input: string) => ({ dataset: 'd', input, organ: 'o', labelValue: 1, slice: 0 });
    const unit = storedUnit({});
    store.append(slice('a.nii.gz'), 'key', model, {
      units: [unit],
      sanityUnits: [],
      coarseToFine: [],
    } as never);
    const reopened = BenchStore.open(path.join(dir, 'inputs.jsonl'));
    expect(reopened.take(slice('a.nii.gz'), 'key', model)?.units).toEqual([unit]);
    expect(reopened.take(slice('b.nii.gz'), 'key', model)).toBeUndefined();
    expect(reopened.take(slice('a.nii.gz'), 'other key', model)).toBeUndefined();
  });

  it('skips a line cut off by an interrupted run, and refuses a store that is a folder', async () => {
    const store = path.join(dir, 'cut.jsonl');
    await bench(store, '--quiet');
    const [kept, cut] = lines(store);
    writeFileSync(store, `${kept}\n${cut.slice(0, cut.length / 2)}`);
    const resumed = await bench(store, '--quiet');
    expect(resumed.bench.store).toMatchObject({
      reusedSlices: 1,
      explainedSlices: 1,
      ignoredLines: { malformed: 1 },
    });
    expect(resumed.bench.notes).toContainEqual(
      expect.stringMatching(/cut\.jsonl: line\(s\) 2 are not a stored slice/),
    );
    // The slice explained again starts a line of its own: a third run reuses both.
    copyFileSync(store, `${store}.copy`);
    const third = await bench(`${store}.copy`, '--quiet');
    expect(third.bench.store).toMatchObject({ reusedSlices: 2, explainedSlices: 0 });

    const folder = path.join(dir, 'a-folder.jsonl');
    mkdirSync(folder);
    const refused = await cli(
      'bench',
      '--quick',
      '--cases',
      cases,
      '--store',
      folder,
      '--json',
      path.join(dir, 'no.json'),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /Cannot use .*a-folder\.jsonl as the bench store: it is a folder\. Pass --store a JSON-lines file/,
    );
    expect(refused.stderr).not.toMatch(/passes, /); // refused before any work
  });

  it('classifies every setting, and keys a store line by the map settings only', () => {
    const settings = defaultSettings('full');
    expect(Object.keys(SETTING_ROLES).sort()).toEqual(Object.keys(settings).sort());
    const key = settingsKey(settings);
    expect(settingsKey({ ...settings, sweepBatchSizes: [2], timingRepeats: 5, slabSlices: 0 })).toBe(key);
    expect(settingsKey({ ...settings, slicesPerOrgan: 1 })).toBe(key);
    expect(settingsKey({ ...settings, windowMm: 12 })).not.toBe(key);
    expect(settingsKey({ ...settings, seed: 7 })).not.toBe(key);
    // Method options set in another order are the same settings.
    const options = (methodOptions: object) => settingsKey({ ...settings, methodOptions } as typeof settings);
    expect(options({ rise: { a: '1', b: '2' } })).toBe(options({ rise: { b: '2', a: '1' } }));
    expect(options({ rise: { a: '1' } })).not.toBe(options({ rise: { a: '2' } }));
  });

  it('reads back a non-finite figure as it was written (JSON alone would make it null)', () => {
    const file = path.join(dir, 'non-finite.jsonl');
    const slice = { dataset: 'd', organ: 'o', labelValue: 1, slice: 0 };
    const model = { name: 'm', version: '1', sha256: 'f'.repeat(64) };
    const figures = storedUnit({ deletionAuc: NaN, insertionAuc: Infinity, insertionStart: -Infinity });
    const results = { units: [figures], sanityUnits: [], coarseToFine: [] } as never;
    BenchStore.open(file).append(slice, 'key', model, results);
    expect(BenchStore.open(file).take(slice, 'key', model)?.units).toEqual([figures]);
    expect(BenchStore.open(file).take(slice, 'other key', model)).toBeUndefined();
  });
});
