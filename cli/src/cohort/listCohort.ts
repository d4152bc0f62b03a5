import * as fs from 'fs';
import * as path from 'path';

/** One input of a cohort: an image (NIfTI file or DICOM series folder), optional labels, a stable id. */
export interface CohortCase {
  /** Folder name of the case's outputs: the file name without .nii(.gz), or the series folder's name. */
  id: string;
  input: string;
  labels?: string;
}

const NIFTI = /\.nii(\.gz)?$/i;
const LIST = /\.(txt|csv|tsv|lst|list)$/i;

const visible = (name: string) => !name.startsWith('.');

/** Entries of a folder as files or folders, following symbolic links (cohorts are often linked together). */
function entriesOf(folder: string): { name: string; file: boolean; folder: boolean }[] {
  return fs
    .readdirSync(folder)
    .filter(visible)
    .sort()
    .flatMap((name) => {
      try {
        const stat = fs.statSync(path.join(folder, name));
        return [{ name, file: stat.isFile(), folder: stat.isDirectory() }];
      } catch {
        return []; // a dangling link
      }
    });
}

/**
 * Whether `input` names a cohort rather than one image: a list file (.txt, .csv, .lst: one image
 * per line), a folder holding NIfTI files, or a folder of DICOM series folders (no files of its
 * own). A folder of DICOM files is one series, as before.
 */
export function isCohortInput(input: string): boolean {
  if (!fs.existsSync(input)) return false;
  const stat = fs.statSync(input);
  if (stat.isFile()) return LIST.test(input);
  const entries = entriesOf(input);
  if (entries.some((e) => e.file && NIFTI.test(e.name))) return true;
  const files = entries.filter((e) => e.file && !/^(readme|license)/i.test(e.name));
  return files.length === 0 && entries.some((e) => e.folder);
}

/**
 * The cases of a cohort, sorted by id. `labels` (optional): a folder holding each case's label map
 * under the image's file name, or with "image" replaced by "label" (image_3.nii.gz →
 * label_3.nii.gz); such label files in the input folder itself are not cases. A list file gives
 * `image[,labels]` per line (relative to the list file; # starts a comment; a header line
 * "input,labels" is skipped).
 */
export function listCohort(input: string, labels?: string): CohortCase[] {
  const cases = fs.statSync(input).isFile() ? fromList(input) : fromFolder(input, labels);
  if (cases.length === 0) {
    throw new Error(
      `The cohort ${input} holds no images. Give a folder of NIfTI files, a folder of DICOM series folders, ` +
        'or a list file with one image path per line.',
    );
  }
  return uniqueIds(cases).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function fromFolder(folder: string, labels?: string): CohortCase[] {
  const entries = entriesOf(folder);
  const images = entries.filter((e) => e.file && NIFTI.test(e.name)).map((e) => path.join(folder, e.name));
  const series = entries
    .filter((e) => e.folder && (!labels || path.resolve(folder, e.name) !== path.resolve(labels)))
    .map((e) => path.join(folder, e.name))
    .filter((dir) => entriesOf(dir).some((e) => e.file));
  const cases = [...images, ...series].map((image) => ({
    id: caseId(image),
    input: image,
    labels: labels ? labelFor(image, labels) : undefined,
  }));
  const labelFiles = new Set(cases.flatMap((c) => (c.labels ? [path.resolve(c.labels)] : [])));
  return cases.filter((c) => !labelFiles.has(path.resolve(c.input)));
}

function labelFor(image: string, labels: string): string | undefined {
  const name = path.basename(image);
  const candidates = [...new Set([name.replace(/image/i, 'label'), name])];
  return candidates
    .map((candidate) => path.join(labels, candidate))
    .find((file) => path.resolve(file) !== path.resolve(image) && fs.existsSync(file));
}

function fromList(file: string): CohortCase[] {
  const folder = path.dirname(path.resolve(file));
  const lines = fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
  return lines
    .map((line) => line.split(/[,\t]/).map((field) => field.trim()))
    .filter(([first], n) => !(n === 0 && /^(input|image|path)$/i.test(first)))
    .map(([image, labels]) => {
      const input = path.resolve(folder, image);
      return { id: caseId(input), input, labels: labels ? path.resolve(folder, labels) : undefined };
    });
}

/** Names in the output folder that are not cases' folders: the summaries (and hidden files: locks, partial files). */
const RESERVED = /^summary.*\.csv$/i;

/**
 * The case's folder name: letters, digits, `.`, `_` and `-` only, never starting with a dot (so
 * never `..`, a hidden name or a way out of --out) and never a summary's name.
 */
function caseId(image: string): string {
  const id = path
    .basename(image)
    .replace(NIFTI, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '');
  if (!id) return 'case';
  return RESERVED.test(id) ? `case_${id}` : id;
}

/** Ids that collide (same file name in two folders) get the parent folder's name in front. */
function uniqueIds(cases: CohortCase[]): CohortCase[] {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
  const seen = new Map<string, number>();
  return cases.map((c) => {
    if (counts.get(c.id) === 1) return c;
    let id = `${caseId(path.dirname(c.input))}_${c.id}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) id = `${id}_${n}`;
    return { ...c, id };
  });
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n), e.g. "2/8". */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new Error(
      `--shard must be i/n with 1 ≤ i ≤ n (e.g. 1/4), got "${text}". For a Kubernetes indexed Job use ` +
        '$((JOB_COMPLETION_INDEX + 1))/N; for a Slurm array --array=1-N use $SLURM_ARRAY_TASK_ID/N.',
    );
  }
  return { index, count };
}

/**
 * The cases of shard i of n: round-robin over the cases sorted by id (case p goes to shard
 * p mod n + 1), so every shard of the same cohort gets a disjoint, near-equal share whatever
 * machine computes it.
 */
export function shardCases(cases: CohortCase[], shard?: Shard): CohortCase[] {
  if (!shard) return cases;
  return cases.filter((_, p) => p % shard.count === shard.index - 1);
}
