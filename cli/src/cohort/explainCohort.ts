import { loadModelFile, writeFileAtomic } from '@xai-clip/io';
import * as fs from 'fs';
import * as path from 'path';
import { MultiBar, Presets, SingleBar } from 'cli-progress';
import { resolveRequest } from '@xai-clip/runtime';
import { requestOf } from '../commands/requestOf';
import type { CaseContext, CaseReport, ExplainCommandOptions } from '../commands/ExplainCommandOptions';
import { checkOutputPath } from '../outputs/checkOutputPath';
import { StagedOutputs } from '../outputs/StagedOutputs';
import { acquireCohortLock } from './acquireCohortLock';
import { CohortCase, listCohort, parseShard, shardCases } from './listCohort';
import { summaryCsv, SummaryEntry } from './summaryCsv';

type RunCase = (options: ExplainCommandOptions, context: CaseContext) => Promise<CaseReport>;

/**
 * `xai-clip explain` over a cohort (a folder of NIfTI files or DICOM series, or a list file):
 * loads the model once, explains each case of this shard into <out>/<case id>/ (saliency.nii.gz,
 * overlay.png, report.json), skips cases whose report.json shows the same settings (resumable),
 * keeps going when a case fails, and rewrites a summary CSV (whole, by rename) after every case, so
 * that a kill or Ctrl-C leaves a summary of the cases done. A lock file in the output folder stops a
 * second run on the same folder (and shard). Progress: a bar per case and one overall on a
 * terminal, a line per case otherwise (cluster logs).
 */
export async function explainCohort(options: ExplainCommandOptions, runCase: RunCase): Promise<void> {
  const shard = options.shard ? parseShard(options.shard) : undefined;
  const all = listCohort(options.input, options.labels);
  const cases = shardCases(all, shard);
  // The request as it will run, defaults resolved: a case explained under other settings (or older
  // defaults) is not taken as finished.
  const resumeKey = JSON.stringify({
    model: path.resolve(options.model),
    ...resolveRequest(requestOf(options)),
    // A case explained without the sanity checks (or other ones) is not finished when they are asked for.
    ...(options.sanity ? { sanity: { steps: options.sanitySteps, repeats: options.sanityRepeats } } : {}),
  });
  checkOutputPath('--out', options.out, 'folder');
  fs.mkdirSync(options.out, { recursive: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const shardName = shard ? `-shard-${shard.index}-of-${shard.count}` : '';
  const release = acquireCohortLock(options.out, `.xai-clip${shardName}.lock`, log);
  try {
    await explainCases(options, runCase, { all, cases, shard, resumeKey, log });
  } finally {
    release();
  }
}

async function explainCases(
  options: ExplainCommandOptions,
  runCase: RunCase,
  cohort: {
    all: CohortCase[];
    cases: CohortCase[];
    shard?: { index: number; count: number };
    resumeKey: string;
    log: (line: string) => void;
  },
): Promise<void> {
  const { all, cases, shard, resumeKey, log } = cohort;
  const tty = !options.json && process.stderr.isTTY;
  log(
    `Cohort ${options.input}: ${all.length} case(s)` +
      (shard ? `, shard ${shard.index}/${shard.count} takes ${cases.length}` : '') +
      `; outputs in ${options.out}`,
  );
  const entries: SummaryEntry[] = [];
  const todo = cases.filter((c) => {
    const previous = finishedReport(options, c, resumeKey);
    if (previous) entries.push({ case: c, status: 'skipped', report: previous });
    return !previous;
  });
  if (entries.length) log(`${entries.length} case(s) already done with these settings: skipped.`);
  const summaryName = shard ? `summary-shard-${shard.index}-of-${shard.count}.csv` : 'summary.csv';
  const summaryPath = path.join(options.out, summaryName);
  const writeSummary = () => writeFileAtomic(summaryPath, summaryCsv([...entries].sort(byCaseId)));
  // From the start, so that an earlier run's summary (other settings) never stands for this one.
  writeSummary();
  const interrupted = (signal: NodeJS.Signals) => {
    StagedOutputs.discardAll();
    writeSummary();
    log(`Interrupted (${signal}): ${summaryPath} lists the ${entries.length} case(s) finished so far.`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);

  const multibar = tty
    ? new MultiBar(
        {
          format: ' {name} |{bar}| {value}/{total} {unit} | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        Presets.shades_classic,
      )
    : undefined;
  const overall = multibar?.create(cases.length, entries.length, {
    name: 'cohort'.padEnd(16),
    unit: 'cases',
  });
  let caseBar: SingleBar | undefined;
  const loaded = todo.length ? await loadModelFile(options.model, options.backend) : undefined;
  let done = entries.length;
  try {
    for (const c of todo) {
      const started = Date.now();
      caseBar = multibar?.create(1, 0, { name: c.id.slice(0, 16).padEnd(16), unit: 'passes' });
      try {
        const report = await runCase(caseOptions(options, c), {
          loaded,
          resumeKey,
          quiet: true,
          onProgress: (p) => {
            caseBar?.setTotal(p.total);
            caseBar?.update(p.done);
          },
        });
        entries.push({ case: c, status: 'done', report });
        done++;
        if (!tty)
          log(`[${done}/${cases.length}] ${c.id}: ${report.passes} passes in ${secondsSince(started)} s`);
      } catch (error) {
        entries.push({ case: c, status: 'failed', error: (error as Error).message });
        done++;
        if (!tty) log(`[${done}/${cases.length}] ${c.id}: failed: ${(error as Error).message}`);
      } finally {
        writeSummary();
        caseBar?.stop();
        if (caseBar) multibar?.remove(caseBar);
        overall?.update(done);
      }
    }
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await loaded?.dispose();
  }
  multibar?.stop();

  entries.sort(byCaseId);
  const failed = entries.filter((e) => e.status === 'failed');
  const counts = `${entries.filter((e) => e.status === 'done').length} done, ${entries.length - failed.length - entries.filter((e) => e.status === 'done').length} skipped, ${failed.length} failed`;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          cohort: options.input,
          shard: shard ? `${shard.index}/${shard.count}` : undefined,
          cases: entries.map((e) => ({
            id: e.case.id,
            input: e.case.input,
            status: e.status,
            report: e.status === 'failed' ? undefined : path.join(options.out, e.case.id, 'report.json'),
            error: e.error,
          })),
          summary: summaryPath,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(`Cohort: ${cases.length} case(s): ${counts}. Wrote ${summaryPath}\n`);
  }
  if (failed.length) {
    throw new Error(
      `${failed.length} of ${cases.length} case(s) failed (${failed.map((e) => e.case.id).join(', ')}); ` +
        `see ${summaryPath}. Re-running the same command retries them and skips the finished ones.`,
    );
  }
}

/** The single-image options of one case: its input, labels and output folder. */
function caseOptions(options: ExplainCommandOptions, c: CohortCase): ExplainCommandOptions {
  const out = path.join(options.out, c.id);
  return {
    ...options,
    input: c.input,
    labels: c.labels,
    out,
    shard: undefined,
    json: false,
    seg: options.seg || options.stow ? path.join(out, 'saliency.seg.dcm') : undefined,
    // Each case its own map, not every case over one file.
    pmap: options.pmap ? path.join(out, 'saliency.pmap.dcm') : undefined,
  };
}

function byCaseId(a: SummaryEntry, b: SummaryEntry): number {
  return a.case.id < b.case.id ? -1 : a.case.id > b.case.id ? 1 : 0;
}

/**
 * The case's report.json when it exists, is complete, was made with the same settings, names the
 * DICOM objects this run asks for, and every file it names (saliency, overlay, SEG, Parametric
 * Map, HTML report) is present.
 */
function finishedReport(
  options: ExplainCommandOptions,
  c: CohortCase,
  resumeKey: string,
): CaseReport | undefined {
  const file = path.join(options.out, c.id, 'report.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    const report = JSON.parse(fs.readFileSync(file, 'utf8')) as CaseReport;
    const written = [
      report.saliency,
      report.overlay?.path,
      report.seg?.path,
      report.pmap?.path,
      report.htmlReport,
    ];
    if (report.resumeKey !== resumeKey) return undefined;
    if ((options.seg || options.stow) && !report.seg) return undefined;
    if (options.pmap && !report.pmap) return undefined;
    if (!written.every((output) => output === undefined || fs.existsSync(output))) return undefined;
    return report;
  } catch {
    return undefined;
  }
}

function secondsSince(started: number): string {
  return ((Date.now() - started) / 1000).toFixed(1);
}
