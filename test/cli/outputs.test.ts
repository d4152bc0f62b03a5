import { execFile, spawn, spawnSync } from 'child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { hostname, tmpdir } from 'os';
import * as path from 'path';
import { listCohort } from '../../cli/src/cohort/listCohort';
import { StagedOutputs } from '../../cli/src/outputs/StagedOutputs';
import { userMessageOf } from '../../cli/src/commands/userMessageOf';
import { writeFileAtomic } from '../../cli/src/io/writeFileAtomic';
import { writeNifti } from '../../cli/src/io/writeNifti';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { dataRoot } from '../helpers/dataRoot';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';
import { runCli as cli } from '../helpers/runCli';

/** Issue 21's findings on the CLI's options and outputs, each reproduced on the planted model. */
describe('explain: nothing silently wrong, nothing lost (issue 21)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-outputs-'));
  const image = path.join(dir, 'planted.nii.gz');
  const labels = path.join(dir, 'labels.nii.gz');
  const model = fixture('planted2d.manifest.json');
  const geometry = {
    spacing: [0.8, 0.8, 2.5] as [number, number, number],
    origin: [-10, 20, 30] as [number, number, number],
  };
  const twoSlices = () => {
    const data = new Float32Array(64 * 64 * 2);
    data.set(plantedSlice().data, 0);
    data.set(plantedSlice().data, 64 * 64);
    return data;
  };
  const organMask = () => {
    const mask = new Uint8Array(64 * 64 * 2);
    mask.set(plantedMask(), 64 * 64);
    return mask;
  };
  writeNifti(image, createVolume(twoSlices(), [64, 64, 2], geometry));
  writeNifti(labels, createVolume(organMask(), [64, 64, 2], geometry));

  /** A fast occlusion of slice 1 (64×64 at 0.8 mm: 51.2 mm across). */
  const explainArgs = (out: string, ...extra: string[]) => [
    'explain',
    '--model',
    model,
    '--input',
    image,
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
  /** The last value given for an option wins, so `extra` can override the defaults above. */
  const refused = async (args: string[], message: RegExp) => {
    const result = await cli(...args);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/typed array|Cannot read properties|at .*\.js:\d+/);
  };

  describe('finding 3, 9, 8 and the lesser ones: options bounded before work starts', () => {
    const out = path.join(dir, 'refused');
    it.each([
      [['--window-mm', 'Infinity'], /--window-mm must be a finite number > 0, got "Infinity"/],
      [
        ['--window-mm', '1e9'],
        /--window-mm 1000000000 is wider than the image \(51\.2 mm × 51\.2 mm\).*at most 51\.2 mm/,
      ],
      [
        ['--stride-mm', '1e-6'],
        /--stride-mm 0\.000001 is below the image's in-plane voxel size \(0\.8 mm\).*at least 0\.8 mm/,
      ],
      [
        ['--slice', '999'],
        /--slice 999 is outside .*planted\.nii\.gz: it has 2 slice\(s\), --slice 0 to 1 \(the viewer's images 1 to 2\)/,
      ],
      [['--method', 'rise', '--samples', '0'], /--samples must be a whole number from 1 to 100000, got "0"/],
      [
        ['--coarse-to-fine', '--refine-fraction', 'abc'],
        /--refine-fraction must be a number from 0 to 1, got "abc"/,
      ],
      [
        ['--method', 'rise', '--seed', '1e30'],
        /--seed must be a whole number from 0 to 4294967295, got "1e30"/,
      ],
    ])('refuses %j in one line, writing nothing', async (extra, message) => {
      await refused(explainArgs(out, ...extra), message);
      expect(existsSync(out)).toBe(false);
    });

    it('lowers a --margin-mm past the image to its extent, with a note, instead of running for minutes', async () => {
      const out = path.join(dir, 'wide-margin');
      const started = Date.now();
      const result = await cli(...explainArgs(out, '--roi', 'mask', '--margin-mm', '1e9'));
      expect(result.stderr).toContain(
        'xai-clip: note: --margin-mm 1000000000 reaches past the image (51.2 mm across at most); using 51.2 mm, which takes in all of it.',
      );
      expect(result.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).roi.fraction).toBe(1);
    });

    it('refuses a 40,000-character --organ before the model runtime sees it (was a segfault)', async () => {
      await refused(
        explainArgs(out, '--organ', 'liver '.repeat(6667).slice(0, 40_000)),
        /The command line is \d+ characters long, over the 16384/,
      );
      await refused(
        explainArgs(out, '--organ', 'l'.repeat(300)),
        /--organ is 300 characters long.*at most 200/,
      );
    });
  });

  it('says that a JavaScript error from deep inside is a fault of the tool, not the raw message alone', () => {
    expect(userMessageOf(new RangeError('Invalid typed array length: -Infinity'))).toBe(
      'xai-clip stopped on an internal error, a fault of the tool rather than of the input as far as it checked ' +
        '(RangeError: Invalid typed array length: -Infinity). Please report it with the command line that caused it.',
    );
    expect(userMessageOf(new Error('--samples must be a whole number from 1 to 100000.'))).toBe(
      '--samples must be a whole number from 1 to 100000.',
    );
  });

  describe('finding 5: output paths checked before the explanation runs', () => {
    it('refuses a --seg that is a folder, and an --out that is a file, up front', async () => {
      const folder = path.join(dir, 'a-folder.dcm');
      mkdirSync(folder);
      // The DICOM-only check would come later; the folder is refused first, before any work.
      await refused(
        explainArgs(path.join(dir, 'seg-out'), '--seg', folder),
        /--seg .*a-folder\.dcm is a folder/,
      );
      expect(existsSync(path.join(dir, 'seg-out'))).toBe(false);
      const file = path.join(dir, 'a-file');
      writeFileSync(file, 'x');
      await refused(explainArgs(file), /--out .*a-file is a file, but it names a folder/);
      await refused(
        explainArgs(path.join(file, 'below')),
        /--out .*below cannot be created: .*a-file is a file, not a folder/,
      );
      await refused(explainArgs(path.join(dir, 'r-out'), '--report', folder), /--report .*is a folder/);
    });
  });

  it('reports a read-only --out as read-only, not as a missing file', async () => {
    const readOnly = path.join(dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    chmodSync(dir, 0o755); // mkdtemp's folder is private; the unprivileged run must read the image
    // Root may write anywhere: run the CLI as nobody then (setpriv, util-linux).
    const asUser =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const [command, ...prefix] = [...asUser, 'node'];
    const bin = path.join(__dirname, '..', '..', 'bin', 'xai-clip.js');
    const out = path.join(readOnly, 'out');
    const failed = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(command, [...prefix, bin, ...explainArgs(out)], (error, _stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(failed.stderr).toBe(
      `xai-clip: --out ${out} cannot be written: ${readOnly} is read-only for this user. ` +
        'Choose a writable place, or change its permissions.\n',
    );
    expect(failed.code).toBe(1);
  });

  it('segment refuses an --out that is a folder before it runs the model', async () => {
    await refused(
      ['segment', '--model', model, '--input', image, '--out', dir],
      /--out .* is a folder, but it names a file to write/,
    );
  });

  describe('findings 2 and 5: a failed run leaves the earlier result untouched', () => {
    it('writes every file whole and leaves no temporary file; a later failure changes nothing', async () => {
      const out = path.join(dir, 'kept');
      const first = await cli(...explainArgs(out, '--report', path.join(out, 'report.html')));
      expect(first.code).toBe(0);
      const before = Object.fromEntries(
        readdirSync(out).map((name) => [name, readFileSync(path.join(out, name))]),
      );
      expect(Object.keys(before).sort()).toEqual([
        'overlay.png',
        'report.html',
        'report.json',
        'saliency.nii.gz',
      ]);
      // A run that fails after the explanation (its model gives NaN) must not touch the folder.
      const broken = await cli(
        ...explainArgs(out, '--model', fixture('nan2d.manifest.json'), '--method', 'lime', '--samples', '8'),
      );
      expect(broken.code).toBe(1);
      const after = readdirSync(out).sort();
      expect(after).toEqual(Object.keys(before).sort());
      for (const name of after) expect(readFileSync(path.join(out, name)).equals(before[name])).toBe(true);
    });
  });

  it('stages files beside their final names: a discard keeps the old files, a commit swaps in the new', async () => {
    const folder = path.join(dir, 'staged');
    mkdirSync(folder);
    const files = ['saliency.nii.gz', 'report.json'].map((name) => path.join(folder, name));
    files.forEach((file) => writeFileSync(file, 'old'));
    const failed = new StagedOutputs();
    for (const file of files) await failed.write(file, 'new');
    expect(readdirSync(folder)).toHaveLength(4); // the old files and two hidden temporary ones
    failed.discard();
    expect(readdirSync(folder).sort()).toEqual(['report.json', 'saliency.nii.gz']);
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(['old', 'old']);
    const done = new StagedOutputs();
    for (const file of files) await done.write(file, 'new');
    done.commit();
    expect(readdirSync(folder).sort()).toEqual(['report.json', 'saliency.nii.gz']);
    expect(files.map((file) => readFileSync(file, 'utf8'))).toEqual(['new', 'new']);
  });

  describe('finding 2: a re-run on a full disk', () => {
    // A 256 kB file system of its own (tmpfs); mounting needs root, as in CI's container.
    const disk = path.join(dir, 'small-disk');
    mkdirSync(disk);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]).status === 0;
    afterAll(() => mounted && spawnSync('umount', [disk]));
    if (!mounted)
      process.stderr.write(`Skipped the full-disk test: cannot mount a tmpfs at ${disk} (needs root).\n`);

    (mounted ? it : it.skip)('is refused before it starts and leaves the earlier result whole', async () => {
      const out = path.join(disk, 'out');
      expect((await cli(...explainArgs(out))).code).toBe(0);
      const before = readdirSync(out).map((name) => readFileSync(path.join(out, name)));
      const free = statfsSync(disk).bavail * statfsSync(disk).bsize;
      writeFileSync(path.join(disk, 'filler'), Buffer.alloc(free - 40 * 1024));
      await refused(
        explainArgs(out, '--method', 'lime', '--samples', '8'),
        /--out .*: the outputs need up to about 147 kB, but only \d+ kB is free there\. Free some space or choose another place\./,
      );
      const after = readdirSync(out).map((name) => readFileSync(path.join(out, name)));
      expect(after).toEqual(before);
    });

    (mounted ? it : it.skip)(
      'a write that meets the full disk fails whole: the old file stays, no temporary one',
      () => {
        const file = path.join(disk, 'out', 'saliency.nii.gz');
        const old = readFileSync(file);
        expect(() => writeFileAtomic(file, Buffer.alloc(1024 * 1024))).toThrow(/ENOSPC/);
        expect(readFileSync(file).equals(old)).toBe(true);
        expect(readdirSync(path.join(disk, 'out')).filter((name) => name.startsWith('.'))).toEqual([]);
      },
    );
  });

  describe('finding 4: a DICOM series with missing slices', () => {
    it('is refused, or with --allow-irregular-spacing read with its spacing figures in report.json', async () => {
      const series = path.join(dir, 'ct-gap');
      mkdirSync(series);
      const ct = path.join(dataRoot(), 'chaos-ct', 'dicom');
      readdirSync(ct)
        .sort()
        .filter((_, index) => index < 30 || index >= 40)
        .forEach((name) => symlinkSync(path.join(ct, name), path.join(series, name)));
      const args = (out: string, ...extra: string[]) => [
        ...explainArgs(out, '--model', 'models/chaos-ct-segformer/manifest.json', '--organ', 'liver'),
        ...['--input', series, '--slice', '40', '--window-mm', '120', '--stride-mm', '120', '--fill', 'min'],
        ...extra,
      ];
      await refused(
        args(path.join(dir, 'gap-refused')),
        /unevenly spaced: the usual step is 2 mm, but 1 step is over 1\.5× that \(22 mm between slices 37 and 38\).*--allow-irregular-spacing/,
      );
      const out = path.join(dir, 'gap-read');
      const read = await cli(...args(out, '--allow-irregular-spacing'));
      expect(read.code).toBe(0);
      expect(read.stderr).toMatch(/note: The slices in .* are unevenly spaced/);
      const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
      expect(report.spacingReport.gaps).toEqual([{ after: 37, step: 22 }]);
      expect(report.spacingReport.meanStep).toBeCloseTo(154 / 67, 9);
      expect(report.spacingReport.maxPositionError).toBeCloseTo(11.045, 3);
    }, 60_000);
  });

  describe('finding 9: a model that outputs NaN is an error, as in models validate', () => {
    it('explain, segment and evaluate refuse it and write nothing', async () => {
      const out = path.join(dir, 'nan');
      await refused(
        explainArgs(out, '--model', fixture('nan2d.manifest.json')),
        /The segmenter's output holds \d+ NaN or infinite value\(s\) of \d+: the model .*nan2d\.manifest\.json outputs numbers that are not finite/,
      );
      expect(existsSync(path.join(out, 'saliency.nii.gz'))).toBe(false);
      const labelMap = path.join(dir, 'nan-labels.nii.gz');
      await refused(
        ['segment', '--model', fixture('nan2d.manifest.json'), '--input', image, '--out', labelMap],
        /The segmenter's output holds \d+ NaN or infinite value/,
      );
      expect(existsSync(labelMap)).toBe(false);
      await refused(
        ['evaluate', '--model', fixture('nan2d.manifest.json'), '--input', image, '--labels', labels],
        /The segmenter's output holds \d+ NaN or infinite value/,
      );
      await refused(
        ['models', 'validate', fixture('nan2d.manifest.json')],
        /The dry inference's output holds 8192 NaN or infinite value\(s\) of 8192/,
      );
    });
  });

  describe('finding 10: label geometry and values', () => {
    it('refuses labels shifted by 500 mm, and a --label-values value the labels do not hold', async () => {
      const shifted = path.join(dir, 'shifted.nii.gz');
      writeNifti(shifted, createVolume(organMask(), [64, 64, 2], { ...geometry, origin: [490, 20, 30] }));
      const out = path.join(dir, 'labelled');
      await refused(
        explainArgs(out, '--labels', shifted, '--label-values', 'organ=1'),
        /The labels .*shifted\.nii\.gz have the image's dimensions but another origin \(mm\) \(490, 20, 30 vs the image's -10, 20, 30\)/,
      );
      await refused(['evaluate', '--model', model, '--input', image, '--labels', shifted], /another origin/);
      await refused(
        explainArgs(out, '--labels', labels, '--label-values', 'organ=7'),
        /--label-values organ=7: the labels .* have no voxel of that value/,
      );
      await refused(
        ['evaluate', '--model', model, '--input', image, '--labels', labels, '--label-values', 'organ=7'],
        /have no voxel of that value/,
      );
    });
  });
});

describe('explain over a cohort: lock, summary, safe ids (issue 21, findings 6 and 7)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'xai-clip-outputs-cohort-'));
  const cohort = path.join(dir, 'cohort');
  mkdirSync(cohort);
  const writeImage = (name: string) =>
    writeNifti(path.join(cohort, name), createVolume(plantedSlice().data, [64, 64, 1]));
  const names = ['a.nii.gz', 'b.nii.gz', '...nii.gz', 'summary.csv.nii.gz'];
  names.forEach(writeImage);
  // A list file: a folder listing would pass over the hidden "...nii.gz".
  const list = path.join(cohort, 'cases.txt');
  writeFileSync(list, names.join('\n'));
  const args = (out: string, ...extra: string[]) => [
    'explain',
    '--model',
    fixture('planted2d.manifest.json'),
    '--input',
    list,
    '--organ',
    'organ',
    '--roi',
    'none',
    '--scope',
    'slice',
    '--slice',
    '0',
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

  it('gives every case a folder inside --out that is neither hidden nor a summary', () => {
    expect(listCohort(list).map((c) => c.id)).toEqual(['a', 'b', 'case', 'case_summary.csv']);
  });

  it('writes each case in its own folder and a summary that lists them all; no lock or temporary file stays', async () => {
    const out = path.join(dir, 'out');
    const result = await cli(...args(out));
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['a', 'b', 'case', 'case_summary.csv', 'summary.csv']);
    expect(readdirSync(dir).sort()).toEqual(['cohort', 'out']); // nothing landed beside --out
    expect(statSync(path.join(out, 'summary.csv')).isFile()).toBe(true);
    const rows = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 2).join(','))).toEqual([
      'a,done',
      'b,done',
      'case,done',
      'case_summary.csv,done',
    ]);
  });

  it('refuses --report (the report of one image) for a cohort before any case runs', async () => {
    const out = path.join(dir, 'with-report');
    const result = await cli(...args(out, '--report', path.join(dir, 'cohort.html')));
    expect(result.stderr).toMatch(/--report writes the report of one image, but .*cases\.txt is a cohort/);
    expect(result.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('re-runs a case whose overlay is missing instead of counting it done', async () => {
    const out = path.join(dir, 'out');
    const overlay = path.join(out, 'b', 'overlay.png');
    rmSync(overlay);
    const result = await cli(...args(out));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/4 case\(s\): 1 done, 3 skipped, 0 failed/);
    expect(existsSync(overlay)).toBe(true);
  });

  it('stops a second run on the same --out, and takes over the lock of a run that was killed', async () => {
    const out = path.join(dir, 'out');
    const lock = path.join(out, '.xai-clip.lock');
    // A live holder: this test's own process.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: 'now' }));
    const second = await cli(...args(out));
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`Another xai-clip run \\(PID ${process.pid} on .*\\) is writing to ${out}\\. Wait for it`),
    );
    // A holder that is gone: a PID no process has.
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 7, host: hostname(), started: 'then' }));
    const after = await cli(...args(out));
    expect(after.stderr).toMatch(
      /A stale lock from an earlier run \(PID 4194311, no longer running\).*taking it over/,
    );
    expect(after.code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it('on SIGINT leaves a summary of the cases done with these settings, no lock and no temporary files', async () => {
    // The folder of the runs above: its four cases were done with other settings (occlusion).
    const out = path.join(dir, 'out');
    // RISE with many masks: slow enough to interrupt after the first case.
    const child = spawn(
      'node',
      [
        path.join(__dirname, '..', '..', 'bin', 'xai-clip.js'),
        ...args(out, '--method', 'rise', '--samples', '3000'),
      ],
      {
        cwd: path.join(__dirname, '..', '..'),
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/\[1\/4\]/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toMatch(/Interrupted \(SIGINT\): .*summary\.csv lists the 1 case\(s\) finished so far/);
    expect(code).toBe(130);
    const rows = readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(rows.slice(1).map((row) => row.split(',').slice(0, 2).join(','))).toEqual(['a,done']);
    const hidden = (folder: string): string[] =>
      readdirSync(folder).flatMap((name) =>
        statSync(path.join(folder, name)).isDirectory()
          ? hidden(path.join(folder, name))
          : name.startsWith('.')
            ? [name]
            : [],
      );
    expect(hidden(out)).toEqual([]);
  }, 60_000);
});
