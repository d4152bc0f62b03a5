import { promises as fs } from 'fs';
import * as path from 'path';
import { MethodId, METHODS, OutsideTileShape, RoiShape } from '@xai-clip/engine';
import { writeFileAtomic } from '@xai-clip/io';
import { BenchCase, CaseCache, chaosCases, readCasesFile } from '../bench/benchCases';
import { benchMarkdown, benchSummary } from '../bench/formatBench';
import { BUNDLED_MODELS, defaultDataRoot } from '../bench/repoPaths';
import { runBench } from '../bench/runBench';
import { BenchSettings, defaultSettings, occlusionGrid } from '../bench/settings';

export interface BenchCommandOptions {
  quick?: boolean;
  json?: string;
  markdown?: string;
  out: string;
  data?: string;
  ctModel?: string;
  mrModel?: string;
  cases?: string;
  datasets: string;
  methods?: string;
  mrSubjects?: string;
  mrOrgans?: string;
  batchSize?: number;
  windowMm?: number;
  strideMm?: number;
  outsideTileFactor?: number;
  outsideTiles?: OutsideTileShape;
  riseMasks?: number;
  limeSamples?: number;
  slicesPerOrgan?: number;
  ctSlices?: number;
  deletionSteps?: number;
  roi?: 'clip' | 'mask';
  roiShape?: RoiShape;
  coarseToFine: boolean;
  coarseFactor?: number;
  refineFraction?: number;
  slabSlices?: number | 'organ';
  slabStride?: number | 'auto';
  sweepBatchSizes?: string;
  seed?: number;
  timingRepeats?: number;
  randomisation: boolean;
  strict?: boolean;
  quiet?: boolean;
  /** JSON-lines file of per-slice results: reused when they match, appended after each slice. */
  store?: string;
  /** --method-option values by method and name. */
  methodOption?: BenchSettings['methodOptions'];
}

const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * `xai-clip bench`: the paper's table (occlusion, RISE, LIME × full image / ROI-guided on CHAOS CT
 * and MR) with runtime, Dice/IoU against the ground truth and deletion/insertion AUC, plus
 * coarse-to-fine occlusion and the engine's overhead over a bare ONNX Runtime session. Writes
 * JSON and markdown; prints a summary.
 */
export async function bench(options: BenchCommandOptions): Promise<void> {
  const settings = settingsFrom(options);
  const cache = new CaseCache();
  let cases: BenchCase[];
  let notes: string[] = [];
  if (options.cases) {
    cases = readCasesFile(options.cases);
  } else {
    const datasets = list(options.datasets);
    for (const dataset of datasets) {
      if (dataset !== 'chaos-ct' && dataset !== 'chaos-mr') {
        throw new Error(`Unknown dataset "${dataset}". Choose chaos-ct and/or chaos-mr.`);
      }
    }
    const selected = await chaosCases(
      {
        dataRoot: options.data ?? defaultDataRoot(),
        ctModel: options.ctModel ?? BUNDLED_MODELS.ct(),
        mrModel: options.mrModel ?? BUNDLED_MODELS.mr(),
        datasets: datasets as ('chaos-ct' | 'chaos-mr')[],
        mrSubjects: options.mrSubjects ? list(options.mrSubjects).map(Number) : undefined,
        mrSubjectCount: options.quick && !options.mrSubjects ? 1 : undefined,
        ctSlices: settings.ctSlices,
        mrOrgans: options.mrOrgans ? list(options.mrOrgans) : options.quick ? ['liver'] : undefined,
      },
      cache,
    );
    cases = selected.cases;
    notes = selected.notes;
    if (options.quick && !options.mrSubjects) {
      notes.push('Quick mode: one MR subject (the first held-out one), liver only, one slice per organ.');
    }
  }
  const log = options.quiet ? undefined : (line: string) => process.stderr.write(`${line}\n`);
  const result = await runBench(cases, settings, { notes, cache, log, store: options.store });
  const jsonPath = options.json ?? path.join(options.out, `bench-${settings.mode}.json`);
  const markdownPath = options.markdown ?? jsonPath.replace(/(\.json)?$/i, '.md');
  await fs.mkdir(path.dirname(path.resolve(jsonPath)), { recursive: true });
  await fs.mkdir(path.dirname(path.resolve(markdownPath)), { recursive: true });
  writeFileAtomic(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  writeFileAtomic(markdownPath, benchMarkdown(result));
  process.stdout.write(`${benchSummary(result, { json: jsonPath, markdown: markdownPath })}\n`);
  const failed = result.checks.filter((check) => !check.pass);
  if (options.strict && failed.length) {
    throw new Error(`${failed.length} benchmark check(s) failed: ${failed.map((c) => c.name).join('; ')}.`);
  }
}

function settingsFrom(options: BenchCommandOptions): BenchSettings {
  const settings = defaultSettings(options.quick ? 'quick' : 'full');
  const methods = options.methods ? list(options.methods) : settings.methods;
  for (const method of methods) {
    if (!(method in METHODS)) {
      throw new Error(`Unknown method "${method}". Choose from ${Object.keys(METHODS).join(', ')}.`);
    }
  }
  const set = <K extends keyof BenchSettings>(key: K, value: BenchSettings[K] | undefined) => {
    if (value !== undefined) settings[key] = value;
  };
  settings.methods = methods as MethodId[];
  set('batchSize', options.batchSize);
  if (options.windowMm !== undefined || options.strideMm !== undefined) {
    Object.assign(settings, occlusionGrid(options.windowMm ?? settings.windowMm, options.strideMm));
  }
  set('outsideTileFactor', options.outsideTileFactor);
  set('outsideTiles', options.outsideTiles);
  set('riseMasks', options.riseMasks);
  set('limeSamples', options.limeSamples);
  // A count asked for is run as asked, in both variants, instead of the per-cell / per-feature budget.
  if (options.riseMasks !== undefined) settings.riseMasksPerCell = 0;
  if (options.limeSamples !== undefined) settings.limeSamplesPerFeature = 0;
  set('slicesPerOrgan', options.slicesPerOrgan);
  set('ctSlices', options.ctSlices);
  set('deletionSteps', options.deletionSteps);
  set('roi', options.roi);
  set('roiShape', options.roiShape);
  set('coarseToFine', options.coarseToFine);
  set('coarseFactor', options.coarseFactor);
  set('refineFraction', options.refineFraction);
  set('slabSlices', options.slabSlices);
  set('slabStride', options.slabStride);
  set('seed', options.seed);
  set('timingRepeats', options.timingRepeats);
  set('randomisation', options.randomisation);
  set('methodOptions', options.methodOption);
  if (options.sweepBatchSizes) settings.sweepBatchSizes = list(options.sweepBatchSizes).map(Number);
  if (settings.batchSize < 1) throw new Error('--batch-size must be at least 1.');
  if (settings.timingRepeats < 1) throw new Error('--timing-repeats must be at least 1.');
  return settings;
}
