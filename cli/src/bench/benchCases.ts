import * as fs from 'fs';
import * as path from 'path';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { DicomSeriesMeta } from '../io/readDicomSeries';
import { readVolume } from '../io/readVolume';
import { readLabels } from '../labels/readLabels';

/** One organ of a benchmark case: its label value in the ground truth, optionally fixed slices. */
export interface BenchOrgan {
  /** Class name (or prompt) the model knows. */
  organ: string;
  labelValue: number;
  /** Slices to explain (sorted series order); chosen from the ground truth when absent. */
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
 * Slices to explain for an organ: among the candidates, those whose ground-truth area is at least
 * half the largest (the organ clearly present, not its tip), `count` of them evenly spaced
 * (one: the middle one).
 */
export function pickSlices(
  labels: Volume,
  labelValue: number,
  count: number,
  candidates?: number[],
): number[] {
  const [nx, ny, nz] = labels.dimensions;
  const plane = nx * ny;
  const area = (k: number) => {
    let n = 0;
    for (let v = k * plane; v < (k + 1) * plane; v++) if (labels.data[v] === labelValue) n++;
    return n;
  };
  const pool = (candidates ?? Array.from({ length: nz }, (_, k) => k)).filter((k) => k >= 0 && k < nz);
  const areas = pool.map(area);
  const largest = Math.max(0, ...areas);
  if (largest === 0) return [];
  const eligible = pool.filter((_, n) => areas[n] >= largest / 2).sort((a, b) => a - b);
  if (count >= eligible.length) return eligible;
  return Array.from({ length: count }, (_, n) => eligible[Math.floor(((n + 0.5) * eligible.length) / count)]);
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

/** Used when the MR model leaves no note of its held-out subjects. */
export const FALLBACK_MR_SUBJECTS = [2, 8, 22, 34];

export interface HeldOut {
  mrSubjects?: number[];
  /** CHAOS CT DICOM file indices (sorted by name) never trained on. */
  ctFiles?: number[];
  source?: string;
}

/**
 * What a model folder says it was not trained on: a `heldOutSubjects` key (in manifest.json,
 * training_report.json or a heldOutSubjects*.json/.txt note), or training_report.json's
 * `split.heldOut` lines ("CHAOS MR T2 subject 3 …", "CHAOS CT files 30-45 …").
 */
export function readHeldOut(modelFolder: string): HeldOut {
  const out: HeldOut = {};
  if (!fs.existsSync(modelFolder)) return out;
  const numbers = (value: unknown): number[] | undefined =>
    Array.isArray(value) && value.every((v) => Number.isInteger(Number(v))) ? value.map(Number) : undefined;
  for (const name of fs.readdirSync(modelFolder).sort()) {
    const file = path.join(modelFolder, name);
    if (/^heldOutSubjects/i.test(name)) {
      const text = fs.readFileSync(file, 'utf8');
      let subjects: number[] | undefined;
      try {
        const json = JSON.parse(text) as unknown;
        subjects = numbers(
          Array.isArray(json) ? json : (json as { heldOutSubjects?: unknown }).heldOutSubjects,
        );
      } catch {
        subjects = (text.match(/\d+/g) ?? []).map(Number);
      }
      if (subjects?.length) return { ...out, mrSubjects: subjects, source: file };
    }
  }
  for (const name of ['manifest.json', 'training_report.json']) {
    const file = path.join(modelFolder, name);
    if (!fs.existsSync(file)) continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    const split = (json.split ?? {}) as Record<string, unknown>;
    const direct = numbers(json.heldOutSubjects) ?? numbers(split.heldOutSubjects);
    if (direct?.length) return { mrSubjects: direct, source: file };
    const lines = Array.isArray(split.heldOut) ? split.heldOut.map(String) : [];
    const subjects = lines.flatMap((line) => {
      const match = /MR.*subject\s+(\d+)/i.exec(line);
      return match ? [Number(match[1])] : [];
    });
    if (subjects.length) out.mrSubjects = subjects;
    const files = lines.flatMap((line) => {
      const match = /CT files\s+(\d+)\s*[-–]\s*(\d+)/i.exec(line);
      if (!match) return [];
      const [a, b] = [Number(match[1]), Number(match[2])];
      return Array.from({ length: b - a + 1 }, (_, n) => a + n);
    });
    if (files.length) out.ctFiles = files;
    if (subjects.length || files.length) return { ...out, source: file };
  }
  return out;
}

/**
 * What the CLIP part of a manifest was not trained on, from the `training_log.json` its trainer
 * leaves beside the manifest or beside the CLIP image encoder (`heldOutMR`, `ctHeldOutFiles`).
 */
export function readClipHeldOut(manifestPath: string): HeldOut {
  let manifest: { clip?: { imageEncoder?: { file?: string } } };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch {
    return {};
  }
  const folder = path.dirname(path.resolve(manifestPath));
  const encoder = manifest.clip?.imageEncoder?.file;
  const folders = [folder, ...(encoder ? [path.dirname(path.resolve(folder, encoder))] : [])];
  for (const candidate of [...new Set(folders)].map((f) => path.join(f, 'training_log.json'))) {
    if (!fs.existsSync(candidate)) continue;
    try {
      const log = JSON.parse(fs.readFileSync(candidate, 'utf8')) as Record<string, unknown>;
      const list = (value: unknown) =>
        Array.isArray(value) && value.length ? value.map(Number).filter(Number.isInteger) : undefined;
      const out: HeldOut = {
        mrSubjects: list(log.heldOutMR),
        ctFiles: list(log.ctHeldOutFiles),
        source: candidate,
      };
      if (out.mrSubjects || out.ctFiles) return out;
    } catch {
      // not a training log; keep looking
    }
  }
  return {};
}

export interface ChaosSelection {
  dataRoot: string;
  ctModel: string;
  mrModel: string;
  datasets: ('chaos-ct' | 'chaos-mr')[];
  /** MR subjects; the MR model's held-out subjects when absent. */
  mrSubjects?: number[];
  /** Keep only the first n MR subjects (quick mode: 1). */
  mrSubjectCount?: number;
  /** MR organs (class names); all four when absent. */
  mrOrgans?: string[];
  /** Liver slices of the CT study to explain (default: the settings' slicesPerOrgan). */
  ctSlices?: number;
}

/**
 * The CHAOS benchmark cases: the CT study (liver; slices from the CT model's held-out files when
 * it names them) and the MR T2 subjects (liver, kidneys, spleen; the MR model's held-out
 * subjects). `notes` says where the held-out lists came from.
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
    const heldOut = readHeldOut(path.dirname(selection.ctModel));
    const clipHeldOut = readClipHeldOut(selection.ctModel);
    if (heldOut.ctFiles && clipHeldOut.ctFiles) {
      const both = heldOut.ctFiles.filter((file) => clipHeldOut.ctFiles!.includes(file));
      notes.push(
        both.length
          ? `CHAOS CT: files ${both[0]}–${both[both.length - 1]} are held out from both the segmenter and CLIP (${shown(clipHeldOut.source!)}).`
          : `CHAOS CT: no file is held out from both the segmenter and CLIP; CLIP saw the segmenter's held-out files.`,
      );
      if (both.length) heldOut.ctFiles = both;
    }
    if (heldOut.ctFiles) {
      const { volume } = await cache.load(ct);
      const files = new Set(heldOut.ctFiles);
      ct.candidateSlices = (volume.meta?.sliceFileIndex ?? []).flatMap((file, k) =>
        files.has(file) ? [k] : [],
      );
      notes.push(
        `CHAOS CT: slices from the CT model's held-out files ${heldOut.ctFiles[0]}–${heldOut.ctFiles[heldOut.ctFiles.length - 1]} (${shown(heldOut.source!)}).`,
      );
    } else {
      notes.push('CHAOS CT: the CT model names no held-out slices; slices are picked from the whole study.');
    }
    cases.push(ct);
  }
  if (selection.datasets.includes('chaos-mr')) {
    requireModel(selection.mrModel, '--mr-model');
    let subjects = selection.mrSubjects;
    if (!subjects) {
      const heldOut = readHeldOut(path.dirname(selection.mrModel));
      const clipHeldOut = readClipHeldOut(selection.mrModel);
      if (heldOut.mrSubjects) {
        subjects = heldOut.mrSubjects;
        const both = subjects.filter((s) => clipHeldOut.mrSubjects?.includes(s));
        if (clipHeldOut.mrSubjects && both.length) subjects = both;
        notes.push(
          `CHAOS MR: subjects ${subjects.join(', ')}, held out from the segmenter (${shown(heldOut.source!)})` +
            (!clipHeldOut.mrSubjects
              ? '.'
              : both.length
                ? ' and from CLIP.'
                : `; CLIP was trained on them (its held-out subjects: ${clipHeldOut.mrSubjects.join(', ')}; ` +
                  'choose them with --mr-subjects), so its ROIs there may be better than on unseen data.'),
        );
      } else {
        subjects = FALLBACK_MR_SUBJECTS;
        notes.push(
          `CHAOS MR: the MR model names no held-out subjects; using subjects ${subjects.join(', ')} (the fallback).`,
        );
      }
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
