import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { listCohort, shardCases } from '../../cli/src/cohort/listCohort';
import { dataRoot } from '../helpers/dataRoot';
import { jobRequestsOf } from './jobRequestsOf';
import { readSummaryCsv } from './readSummaryCsv';
import { SlurmCluster, startSlurmCluster } from './startSlurmCluster';
import { waitFor } from './waitFor';

const execFileAsync = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'xai-clip.js');
/** CHAOS MR T2 subjects: 9 cases, 3 per task. */
const SUBJECTS = [1, 2, 3, 5, 8, 10, 13, 15, 19];
const TASKS = 3;
/** The task killed after its first case, then requeued. */
const KILLED_TASK = 2;
/** Columns that differ from run to run: how long and how much memory, and done vs skipped. */
const RUN_DEPENDENT = ['status', 'explain_ms', 'wall_ms', 'peak_rss_mib'];
const CASE_FILES = ['overlay.png', 'report.json', 'saliency.nii.gz'];

/**
 * `npm run cohort:slurm-test`: explains a cohort of CHAOS MR cases as a Slurm array job of 3 tasks
 * into one shared --out on a single-node cluster started here (startSlurmCluster), kills one task
 * after its first case and requeues it, merges, and checks the merged summary against a
 * single-process run: every case explained exactly once, the same rows and figures (occlusion is
 * deterministic), the shard summaries consistent, no partial or lock files left. Prints the
 * timings and the job sizes the measured cases call for. Throws on the first failed check.
 */
export async function runCohortOnSlurm(log: (line: string) => void): Promise<void> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-slurm-'));
  const data = path.join(dataRoot(), 'chaos-mr-t2');
  const cohort = path.join(folder, 'cohort');
  fs.mkdirSync(cohort);
  for (const n of SUBJECTS) {
    fs.symlinkSync(path.join(data, `image_${n}.nii.gz`), path.join(cohort, `image_${n}.nii.gz`));
  }
  const explainArgs = (out: string) => [
    'explain',
    ...['--model', path.join(REPO, 'models', 'chaos-mr-t2-segformer', 'manifest.json')],
    ...['--input', cohort, '--labels', data, '--label-values', 'liver=1', '--organ', 'liver'],
    ...['--method', 'occlusion', '--scope', 'slice', '--slice', '15', '--window-mm', '40'],
    ...['--out', out],
  ];
  const timings: [string, number][] = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings.push([step, (Date.now() - started) / 1000]);
    log(`${step}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  const single = path.join(folder, 'single');
  await timed('single-process run (reference)', () => cli(...explainArgs(single)));
  const cluster = await timed('start munged, slurmctld, slurmd', () => startSlurmCluster(folder));
  // Interrupted (Ctrl-C, a CI timeout): the daemons and their jobs go too.
  const stopOnSignal = (signal: NodeJS.Signals) =>
    void cluster.stop().finally(() => process.exit(128 + os.constants.signals[signal]));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const shared = path.join(folder, 'shared-out');
    const logs = path.join(folder, 'task-logs');
    fs.mkdirSync(logs);
    const script = path.join(folder, 'explain-shard.sh');
    fs.writeFileSync(
      script,
      '#!/bin/bash\n# One task of the array: shard $SLURM_ARRAY_TASK_ID of the cohort.\n' +
        `exec ${[process.execPath, BIN, ...explainArgs(shared)].map(shellQuote).join(' ')} --shard "$SLURM_ARRAY_TASK_ID/${TASKS}"\n`,
      { mode: 0o755 },
    );
    const job = await timed('array job, one task killed after its first case and requeued', () =>
      runArrayJob(
        cluster,
        {
          script,
          logs,
          shared,
          cases: shardCases(listCohort(cohort), { index: KILLED_TASK, count: TASKS }).map((c) => c.id),
        },
        log,
      ),
    );
    const merge = await timed('merge (explain without --shard)', () => cli(...explainArgs(shared)));
    assert.match(
      merge,
      new RegExp(`${SUBJECTS.length} case\\(s\\): 0 done, ${SUBJECTS.length} skipped, 0 failed`),
    );

    checkExactlyOnce(
      logs,
      listCohort(cohort).map((c) => c.id),
      job.id,
    );
    const reference = readSummaryCsv(path.join(single, 'summary.csv'));
    const merged = readSummaryCsv(path.join(shared, 'summary.csv'));
    assert.ok(
      reference.every((row) => row.status === 'done'),
      'the single-process run explains every case',
    );
    assert.ok(
      merged.every((row) => row.status === 'skipped'),
      'the merge finds every case finished',
    );
    assert.deepEqual(
      merged.map((row) => comparable(row, shared)),
      reference.map((row) => comparable(row, single)),
    );
    for (const row of reference) {
      const [a, b] = [single, shared].map((out) =>
        fs.readFileSync(path.join(out, row.case, 'saliency.nii.gz')),
      );
      assert.ok(a.equals(b), `${row.case}: the saliency map of the array job equals the single process's`);
    }
    checkShardSummaries(shared, cohort, merged);
    checkNoStrayFiles(
      shared,
      merged.map((row) => row.case),
    );
    log(
      'checks: every case explained once; merged summary = single-process summary; shard summaries consistent; no partial files',
    );

    const requests = jobRequestsOf(reference, Math.ceil(SUBJECTS.length / TASKS));
    log(`\nTimings (s): ${timings.map(([step, s]) => `${step} ${s.toFixed(1)}`).join('; ')}`);
    log(
      `Per case (${requests.cases} CHAOS MR cases, occlusion 40 mm, CLIP ROI, one slice; single process on ${os.cpus().length} CPUs): ` +
        `wall ${requests.wallSeconds.median.toFixed(1)} s median, ${requests.wallSeconds.max.toFixed(1)} s max; ` +
        `peak RSS ${requests.peakRssMib.median} MiB median, ${requests.peakRssMib.max} MiB max.`,
    );
    log(
      `Requests for ${Math.ceil(SUBJECTS.length / TASKS)} cases a task: --mem=${requests.memoryMib}M --time=${requests.timeMinutes}`,
    );
  } catch (error) {
    log(`Kept ${folder} (task logs in task-logs/, daemons' logs in log/).`);
    throw error;
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    await cluster.stop();
  }
  // After the stop: the clients read the cluster's slurm.conf and munge socket in this folder.
  fs.rmSync(folder, { recursive: true, force: true });
}

/** Submits the array, cancels KILLED_TASK after its first case, requeues it, waits for every task. */
async function runArrayJob(
  cluster: SlurmCluster,
  job: { script: string; logs: string; shared: string; cases: string[] },
  log: (line: string) => void,
): Promise<{ id: string }> {
  const id = await cluster.run(
    'sbatch',
    '--parsable',
    `--array=1-${TASKS}`,
    '--cpus-per-task=1',
    '--requeue',
    '--open-mode=append', // the requeued run appends to the killed run's log
    `--output=${path.join(job.logs, 'task-%a.out')}`,
    `--chdir=${REPO}`,
    job.script,
  );
  const task = `${id}_${KILLED_TASK}`;
  const finished = () => job.cases.filter((c) => fs.existsSync(path.join(job.shared, c, 'report.json')));
  await waitFor(() => finished().length > 0, 300_000, `task ${KILLED_TASK}'s first case`);
  await cluster.run('scancel', task);
  await waitFor(
    async () => (await stateOf(cluster, task)) === 'CANCELLED',
    60_000,
    `${task} to be cancelled`,
  );
  const killedAt = finished();
  log(`cancelled ${task} with ${killedAt.length} of its ${job.cases.length} cases done`);
  assert.ok(killedAt.length < job.cases.length, `the task was killed midway (${killedAt.length} cases done)`);
  const shardSummary = readSummaryCsv(path.join(job.shared, `summary-shard-${KILLED_TASK}-of-${TASKS}.csv`));
  assert.deepEqual(
    shardSummary.map((row) => row.case),
    killedAt,
    "the killed task's summary lists the cases it finished",
  );

  await cluster.run('scontrol', 'requeue', task);
  // Slurm holds a requeued job back a while (its begin time); start it now.
  await cluster.run('scontrol', 'update', `jobid=${task}`, 'StartTime=now');
  await waitFor(
    async () => (await cluster.run('squeue', '--noheader', `--jobs=${id}`)) === '',
    600_000,
    `job ${id} to end`,
  );
  for (let n = 1; n <= TASKS; n++) {
    assert.equal(await stateOf(cluster, `${id}_${n}`), 'COMPLETED', `task ${n} completed`);
  }
  return { id };
}

async function stateOf(cluster: SlurmCluster, task: string): Promise<string | undefined> {
  const shown = await cluster.run('scontrol', 'show', 'job', task);
  return /JobState=(\S+)/.exec(shown)?.[1];
}

/** The CLI logs one line per case it explains: across all tasks' logs, each case has exactly one. */
function checkExactlyOnce(logs: string, ids: string[], jobId: string): void {
  const text = fs
    .readdirSync(logs)
    .map((name) => fs.readFileSync(path.join(logs, name), 'utf8'))
    .join('\n');
  for (const id of ids) {
    const runs = text
      .split('\n')
      .filter((line) => new RegExp(`^\\[\\d+/\\d+\\] ${id}: \\d+ passes in`).test(line));
    assert.equal(runs.length, 1, `case ${id} explained exactly once by job ${jobId} (logs in ${logs})`);
  }
}

/** Each shard's summary lists its share of the cases, with the merged summary's figures. */
function checkShardSummaries(shared: string, cohort: string, merged: Record<string, string>[]): void {
  const byCase = new Map(merged.map((row) => [row.case, comparable(row, shared)]));
  const seen: string[] = [];
  for (let n = 1; n <= TASKS; n++) {
    const rows = readSummaryCsv(path.join(shared, `summary-shard-${n}-of-${TASKS}.csv`));
    const share = shardCases(listCohort(cohort), { index: n, count: TASKS }).map((c) => c.id);
    assert.deepEqual(
      rows.map((row) => row.case),
      share,
      `shard ${n}'s summary lists its cases`,
    );
    for (const row of rows)
      assert.deepEqual(comparable(row, shared), byCase.get(row.case), `shard ${n}: ${row.case}`);
    seen.push(...share);
  }
  assert.deepEqual(seen.sort(), [...byCase.keys()].sort(), 'the shards together hold every case once');
}

/** Only the summaries and each case's three files: no lock, no staged or half-written file. */
function checkNoStrayFiles(out: string, ids: string[]): void {
  const expected = [
    'summary.csv',
    ...Array.from({ length: TASKS }, (_, n) => `summary-shard-${n + 1}-of-${TASKS}.csv`),
    ...ids.flatMap((id) => CASE_FILES.map((file) => path.join(id, file))),
  ].sort();
  const found = (fs.readdirSync(out, { recursive: true }) as string[])
    .filter((name) => fs.statSync(path.join(out, name)).isFile())
    .sort();
  assert.deepEqual(found, expected, `the files in ${out}`);
}

/** A summary row without its run-dependent columns, its output paths relative to the run's --out. */
function comparable(row: Record<string, string>, out: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => !RUN_DEPENDENT.includes(column))
      .map(([column, value]) => [column, value.startsWith(out) ? path.relative(out, value) : value]),
  );
}

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [BIN, ...args], { cwd: REPO, maxBuffer: 1 << 26 });
  return stdout;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
