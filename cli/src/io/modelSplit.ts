import * as fs from 'fs';
import * as path from 'path';

/** One data source of a model's training: which of its ids (subjects, files, slices) went where. */
export interface SourceSplit {
  /** Where the source lies under the data folder. */
  data: string;
  /** What an id counts, e.g. "subject" or "DICOM file (sorted by name)". */
  unit: string;
  train: number[];
  /** Ids that chose the model (early stopping, selection); empty when nothing did. */
  validation: number[];
  /** Ids never trained on nor used to choose the model. */
  heldOut: number[];
  /** Ids neither trained on nor held out (e.g. the gaps between a training and a held-out slab). */
  unused?: number[];
}

/**
 * `split.json`, written by a model's training beside its network: the ids of every data source
 * it trained on, validated on and held out. A source it does not list was never used.
 */
export interface ModelSplit {
  model: string;
  /** The training command that wrote it. */
  command: string;
  /** How it was written, when not by that command (the split files of models trained before they existed). */
  note?: string;
  sources: Record<string, SourceSplit>;
}

export const SPLIT_FILE = 'split.json';

/** The split file in `folder`; fails, saying what to do, when it is missing or malformed. */
export function readModelSplit(folder: string): ModelSplit {
  const file = path.join(folder, SPLIT_FILE);
  let json: ModelSplit;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'is missing'
        : `cannot be read (${(error as Error).message})`;
    throw new Error(
      `${file} ${reason}: it says which subjects and slices the model never saw. Its training writes it ` +
        '(models/train/train_segmenter.py, train_clip.py); for another model, write {"model", "command", ' +
        '"sources": {"<source>": {"data", "unit", "train": [], "validation": [], "heldOut": []}}}.',
    );
  }
  if (typeof json.sources !== 'object' || json.sources === null) {
    throw new Error(`${file} has no "sources" object.`);
  }
  const ids = (value: unknown) => Array.isArray(value) && value.every(Number.isInteger);
  for (const [name, source] of Object.entries(json.sources)) {
    for (const key of ['train', 'validation', 'heldOut'] as const) {
      if (!ids(source[key]))
        throw new Error(`${file}: sources.${name}.${key} must be a list of integer ids.`);
    }
  }
  return json;
}

/**
 * The ids of `source` that every model using it held out (the intersection of their held-out
 * lists); undefined when none of them used the source.
 */
export function heldOutFromAll(splits: ModelSplit[], source: string): number[] | undefined {
  const lists = splits.flatMap((split) => (split.sources[source] ? [split.sources[source].heldOut] : []));
  if (lists.length === 0) return undefined;
  return lists.reduce((common, ids) => common.filter((id) => ids.includes(id)));
}

/** The folders holding a manifest's segmenter and its CLIP image encoder, where their split files lie. */
export function networkFolders(manifestPath: string): { segmenter: string; clip?: string } {
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    segmenter: { file: string };
    clip?: { imageEncoder: { file: string } };
  };
  const folder = path.dirname(path.resolve(manifestPath));
  const folderOf = (file: string) => path.dirname(path.resolve(folder, file));
  return {
    segmenter: folderOf(manifest.segmenter.file),
    clip: manifest.clip && folderOf(manifest.clip.imageEncoder.file),
  };
}

/** Ids as notes show them: runs of three or more consecutive ids as ranges ("30–45", "3, 13, 21, 33"). */
export function idRanges(ids: number[], dash = '–'): string {
  const runs: number[][] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const run = runs[runs.length - 1];
    if (run && id === run[run.length - 1] + 1) run.push(id);
    else runs.push([id]);
  }
  return runs
    .map((run) => (run.length > 2 ? `${run[0]}${dash}${run[run.length - 1]}` : run.join(', ')))
    .join(', ');
}
