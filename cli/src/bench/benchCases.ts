import * as fs from 'fs';
import * as path from 'path';
import { createRandom, Volume } from '@xai-clip/engine';
import {
  DicomSeriesMeta,
  readVolume,
  heldOutFromAll,
  idRanges,
  ModelSplit,
  networkFolders,
  readModelSplit,
  SPLIT_FILE,
} from '@xai-clip/io';
import { readLabels } from '../labels/readLabels';

/** One organ of a benchmark case: its label value in the ground truth, optionally fixed slices. */
export interface BenchOrgan {
  /** Class name (or prompt) the model knows. */
  organ: string;
  labelValue: number;
  /** Slices to explain (sorted series order); chosen from the model's prediction when absent (pickSlices). */
  slices?: number[];
}

/** One image with ground truth, explained with one model for one or more organs. */
export interface BenchCase {
  dataset: string;
  subject?: string;
  /** Model manifest. */
  model: string;
  /** NIfTI file or DICOM series folder. */
  input: string;
  /** NIfTI label map, or a folder of per-slice PNG masks paired with a DICOM series by file order. */
  labels: string;
  organs: BenchOrgan[];
  /** Slices automatic selection may pick from (e.g. the model's held-out slices); all when absent. */
  candidateSlices?: number[];
  /** Slices per organ for this case (default: the settings' slicesPerOrgan). */
  slicesPerOrgan?: number;
}

/** A path as notes show it: relative to the working folder when inside it. */
export function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

export interface LoadedCase {
  volume: Volume & { meta?: DicomSeriesMeta };
  labels: Volume;
}

/** Reads a case's image and labels once per run. */
export class CaseCache {
  private readonly cache = new Map<string, Promise<LoadedCase>>();

  load(benchCase: BenchCase): Promise<LoadedCase> {
    const key = `${benchCase.input}\n${benchCase.labels}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = (async () => {
        const volume = await readVolume(benchCase.input);
        return { volume, labels: await readLabels(benchCase.labels, volume) };
      })();
      this.cache.set(key, entry);
    }
    return entry;
  }
}

/**
 * Slices to explain for an organ, chosen without the ground truth: among the candidate slices
 * (`areas[n]`: the model's predicted area of the organ on `pool[n]`), those where it is at least half
 * the largest (the organ clearly present, not its tip); `count` of them drawn at random with `seed`
 * (all when fewer), in slice order.
 */
export function pickSlices(areas: number[], pool: number[], count: number, seed: number): number[] {
  const largest = Math.max(0, ...areas);
  if (largest === 0) return [];
  const eligible = pool.filter((_, n) => areas[n] >= largest / 2);
  const random = createRandom(seed);
  // Fisher–Yates: the first `count` of a seeded shuffle.
  for (let n = eligible.length - 1; n > 0; n--) {
    const m = Math.floor(random() * (n + 1));
    [eligible[n], eligible[m]] = [eligible[m], eligible[n]];
  }
  return eligible.slice(0, count).sort((a, b) => a - b);
}

/** Reads `{ "cases": BenchCase[] }`; relative paths start at the file's folder. */
export function readCasesFile(file: string): BenchCase[] {
  let json: { cases?: BenchCase[] };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read the bench cases file ${file}: ${(error as Error).message}`);
  }
  if (!Array.isArray(json.cases) || json.cases.length === 0) {
    throw new Error(`${file} must hold {"cases": [...]} with at least one case.`);
  }
  const folder = path.dirname(path.resolve(file));
  return json.cases.map((c, n) => {
    for (const key of ['dataset', 'model', 'input', 'labels'] as const) {
      if (typeof c[key] !== 'string') throw new Error(`Case ${n} of ${file} has no "${key}".`);
    }
    if (!Array.isArray(c.organs) || c.organs.length === 0)
      throw new Error(`Case ${n} of ${file} lists no organs.`);
    return {
      ...c,
      model: path.resolve(folder, c.model),
      input: path.resolve(folder, c.input),
      labels: path.resolve(folder, c.labels),
    };
  });
}

/** CHAOS MR T2 label values (the SSL-ALPNet / Q-Net preprocessing). */
export const CHAOS_MR_ORGANS: BenchOrgan[] = [
  { organ: 'liver', labelValue: 1 },
  { organ: 'right_kidney', labelValue: 2 },
  { organ: 'left_kidney', labelValue: 3 },
  { organ: 'spleen', labelValue: 4 },
];

/** The split files of a manifest's networks (segmenter, and CLIP when it has one), with where they lie. */
function splitsOf(manifest: string): { splits: ModelSplit[]; files: string } {
  const folders = networkFolders(manifest);
  const used = [folders.segmenter, ...(folders.clip ? [folders.clip] : [])];
  return {
    splits: used.map(readModelSplit),
    files: used.map((folder) => shown(path.join(folder, SPLIT_FILE))).join(', '),
  };
}

export interface ChaosSelection {
  dataRoot: string;
  ctModel: string;
  mrModel: string;
  datasets: ('chaos-ct' | 'chaos-mr')[];
  /** MR subjects; those held out from the MR model's networks when absent. */
  mrSubjects?: number[];
  /** Keep only the first n MR subjects (quick mode: 1). */
  mrSubjectCount?: number;
  /** MR organs (class names); all four when absent. */
  mrOrgans?: string[];
  /** Liver slices of the CT study to explain (default: the settings' slicesPerOrgan). */
  ctSlices?: number;
}

/**
 * The CHAOS benchmark cases: the CT study (liver; slices from the files held out from the CT
 * model's segmenter and CLIP) and the MR T2 subjects (liver, kidneys, spleen; those held out from
 * the MR model's segmenter and CLIP), as their split files say. `notes` says which files.
 */
export async function chaosCases(
  selection: ChaosSelection,
  cache: CaseCache,
): Promise<{ cases: BenchCase[]; notes: string[] }> {
  const notes: string[] = [];
  const cases: BenchCase[] = [];
  const { dataRoot } = selection;
  if (!fs.existsSync(dataRoot)) {
    throw new Error(
      `Benchmark data not found at ${dataRoot}. Pass --data <folder with chaos-ct/ and chaos-mr-t2/> or set XAI_CLIP_DATA.`,
    );
  }
  if (selection.datasets.includes('chaos-ct')) {
    requireModel(selection.ctModel, '--ct-model');
    const ct: BenchCase = {
      dataset: 'chaos-ct',
      subject: 'CT_SET_3',
      model: selection.ctModel,
      input: path.join(dataRoot, 'chaos-ct', 'dicom'),
      labels: path.join(dataRoot, 'chaos-ct', 'liver-gt'),
      organs: [{ organ: 'liver', labelValue: 1 }],
      slicesPerOrgan: selection.ctSlices,
    };
    const { splits, files } = splitsOf(selection.ctModel);
    const heldOut = heldOutFromAll(splits, 'chaos-ct');
    if (heldOut?.length === 0) {
      throw new Error(
        `No CHAOS CT file is held out from every network of ${shown(selection.ctModel)} (${files}).`,
      );
    }
    if (heldOut) {
      const { volume } = await cache.load(ct);
      ct.candidateSlices = (volume.meta?.sliceFileIndex ?? []).flatMap((file, k) =>
        heldOut.includes(file) ? [k] : [],
      );
      notes.push(
        `CHAOS CT: slices from files ${idRanges(heldOut)}, held out from every network of the model (${files}). ` +
          'Single patient: the model trained on other slices of the same patient, separated from the held-out ones by an 8 mm gap.',
      );
    } else {
      notes.push(
        `CHAOS CT: neither network trained on it (${files}); slices are picked from the whole study.`,
      );
    }
    cases.push(ct);
  }
  if (selection.datasets.includes('chaos-mr')) {
    requireModel(selection.mrModel, '--mr-model');
    let subjects = selection.mrSubjects;
    if (!subjects) {
      const { splits, files } = splitsOf(selection.mrModel);
      subjects = heldOutFromAll(splits, 'chaos-mr-t2');
      if (!subjects?.length) {
        throw new Error(
          `No CHAOS MR subject is held out from every network of ${shown(selection.mrModel)} (${files}); ` +
            'choose subjects with --mr-subjects.',
        );
      }
      notes.push(
        `CHAOS MR: subjects ${idRanges(subjects)}, held out from every network of the model (${files}).`,
      );
    }
    if (selection.mrSubjectCount !== undefined) subjects = subjects.slice(0, selection.mrSubjectCount);
    const organs = selection.mrOrgans
      ? CHAOS_MR_ORGANS.filter((o) => selection.mrOrgans!.includes(o.organ))
      : CHAOS_MR_ORGANS;
    for (const subject of subjects) {
      cases.push({
        dataset: 'chaos-mr',
        subject: String(subject),
        model: selection.mrModel,
        input: path.join(dataRoot, 'chaos-mr-t2', `image_${subject}.nii.gz`),
        labels: path.join(dataRoot, 'chaos-mr-t2', `label_${subject}.nii.gz`),
        organs,
      });
    }
  }
  return { cases, notes };
}

function requireModel(manifest: string, flag: string): void {
  if (!fs.existsSync(manifest)) {
    throw new Error(
      `Model manifest not found: ${manifest}. The bundled trained models are missing; pass ${flag} <manifest.json>.`,
    );
  }
}
