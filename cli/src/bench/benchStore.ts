import * as fs from 'fs';
import * as path from 'path';
import { shown } from './benchCases';
import { ModelIdentity } from './instrumentedModel';
import { BenchResult, BenchUnit, CoarseToFineComparison, SanityUnit } from './schema';

/** Which slice a stored line explains. */
export interface SliceIdentity {
  dataset: string;
  subject?: string;
  /** The case's image file or folder name, for cases without a subject (two such cases of one dataset differ by it). */
  input?: string;
  organ: string;
  labelValue: number;
  slice: number;
}

/**
 * The version of what a stored line means: bump it when the scoring of a unit changes (a metric, a
 * control, the units' fields), so that lines scored the old way are no longer reused. Lines written
 * before the field existed are version 1.
 */
export const STORE_VERSION = 1;

/** What one slice's explanation left for the aggregate: its units, sanity units and coarse-to-fine comparison. */
export interface SliceResults {
  units: BenchUnit[];
  sanityUnits: SanityUnit[];
  coarseToFine: CoarseToFineComparison[];
}

/** One line of the store: a slice's results under the settings and model that made them. */
export interface StoredSlice extends SliceResults {
  slice: SliceIdentity;
  /** settingsKey(settings): the settings that change maps or scores. */
  settingsKey: string;
  model: ModelIdentity;
  /** STORE_VERSION when written (absent: 1). */
  version?: number;
  writtenAt: string;
}

const sliceKey = (s: SliceIdentity) =>
  JSON.stringify([s.dataset, s.subject ?? s.input ?? null, s.organ, s.labelValue, s.slice]);
const modelKey = (m: ModelIdentity) => JSON.stringify([m.name, m.version, m.sha256]);
const lineKey = (slice: SliceIdentity, settings: string, model: ModelIdentity, version = STORE_VERSION) =>
  JSON.stringify([sliceKey(slice), settings, modelKey(model), version]);
const keyOf = (line: StoredSlice) => lineKey(line.slice, line.settingsKey, line.model, line.version ?? 1);

// JSON has no NaN or ±Infinity (it would write null, which sums as 0): the store writes them as
// strings and reads them back, so a reused unit aggregates as it did when explained.
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);
const keepNonFinite = (_: string, value: unknown) =>
  typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
const restoreNonFinite = (_: string, value: unknown) =>
  typeof value === 'string' && NON_FINITE.has(value) ? Number(value) : value;

/** Whether a parsed line has the fields a stored slice needs (a line cut by a crash does not parse at all). */
function isStoredSlice(value: unknown): value is StoredSlice {
  const line = value as Partial<StoredSlice> | null;
  return (
    typeof line === 'object' &&
    line !== null &&
    typeof line.slice?.dataset === 'string' &&
    typeof line.slice.organ === 'string' &&
    typeof line.slice.labelValue === 'number' &&
    typeof line.slice.slice === 'number' &&
    typeof line.settingsKey === 'string' &&
    typeof line.model?.name === 'string' &&
    typeof line.model.version === 'string' &&
    typeof line.model.sha256 === 'string' &&
    Array.isArray(line.units) &&
    line.units.every(isUnit) &&
    Array.isArray(line.sanityUnits) &&
    Array.isArray(line.coarseToFine)
  );
}

/** Whether a stored unit has what the aggregation reads first (a hand-edited or foreign line may not). */
function isUnit(value: unknown): boolean {
  const unit = value as Partial<BenchUnit> | null;
  return (
    typeof unit === 'object' &&
    unit !== null &&
    typeof unit.method === 'string' &&
    typeof unit.variant === 'string' &&
    typeof unit.passes === 'number' &&
    typeof unit.otsu?.dice === 'number' &&
    typeof unit.topGt?.dice === 'number' &&
    typeof unit.deletionAuc === 'number'
  );
}

/** Why a store cannot be used, in words. */
function reasonOf(error: NodeJS.ErrnoException): string {
  if (error.code === 'EISDIR') return 'it is a folder';
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'permission denied';
  if (error.code === 'ENOTDIR') return 'a part of its path is a file, not a folder';
  return error.message;
}

/**
 * The benchmark's per-slice results kept in a JSON-lines file (`bench --store`), so that a long
 * run can be done in parts and resumed: a slice whose identity, settings key and model all match a
 * line is taken from it instead of explained again. Lines of other settings or models stay in the
 * file, unused.
 */
export class BenchStore {
  private readonly byKey = new Map<string, StoredSlice>();
  private readonly reused = new Set<string>();
  private explained = 0;

  private constructor(
    readonly file: string,
    private readonly lines: StoredSlice[],
    private readonly malformedLines: number[],
  ) {
    // A slice stored twice (two parts run at once): the later line counts.
    for (const line of lines) this.byKey.set(keyOf(line), line);
  }

  /**
   * Opens (creating its folder and the file when missing) and reads a store, before any work: an
   * unusable path (a folder, no permission) is an error naming it; a malformed line is skipped.
   */
  static open(file: string): BenchStore {
    let text: string;
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      // Appending is what the run will do: try it now, so a store it cannot write fails before hours of work.
      fs.closeSync(fs.openSync(file, 'a'));
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(
        `Cannot use ${shown(file)} as the bench store: ${reasonOf(error as NodeJS.ErrnoException)}. ` +
          'Pass --store a JSON-lines file you can read and write (it is created when missing).',
      );
    }
    // A last line cut by a crash has no newline: end it, so the next line starts on its own.
    if (text.length && !text.endsWith('\n')) fs.appendFileSync(file, '\n');
    const { lines, malformed } = BenchStore.parse(text);
    return new BenchStore(file, lines, malformed);
  }

  /** The lines a run would use, in file order: of a slice stored twice, the later line. */
  static latest(lines: StoredSlice[]): StoredSlice[] {
    const last = new Map(lines.map((line) => [keyOf(line), line]));
    return lines.filter((line) => last.get(keyOf(line)) === line);
  }

  /** A store's text as its stored slices, and the (1-based) numbers of the lines that are not one. */
  static parse(text: string): { lines: StoredSlice[]; malformed: number[] } {
    const lines: StoredSlice[] = [];
    const malformed: number[] = [];
    text.split('\n').forEach((line, n) => {
      if (!line.trim()) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line, restoreNonFinite);
      } catch {
        parsed = undefined;
      }
      if (isStoredSlice(parsed)) lines.push(parsed);
      else malformed.push(n + 1);
    });
    return { lines, malformed };
  }

  /** The stored results of a slice under these settings and model, if any; counted as reused. */
  take(slice: SliceIdentity, settings: string, model: ModelIdentity): StoredSlice | undefined {
    const key = lineKey(slice, settings, model);
    const stored = this.byKey.get(key);
    if (stored) this.reused.add(key);
    return stored;
  }

  /** Appends a slice just explained, as one line written at once. */
  append(slice: SliceIdentity, settings: string, model: ModelIdentity, results: SliceResults): void {
    const stored: StoredSlice = {
      slice,
      settingsKey: settings,
      model,
      ...results,
      version: STORE_VERSION,
      writtenAt: new Date().toISOString(),
    };
    fs.appendFileSync(this.file, `${JSON.stringify(stored, keepNonFinite)}\n`);
    this.explained += 1;
  }

  /**
   * What the run took from the store, and notes on the lines it did not use (the run's models,
   * settings key and datasets). Lines of datasets the run does not cover (another part of the
   * benchmark) are left alone, not counted as ignored.
   */
  summary(
    settings: string,
    models: ModelIdentity[],
    datasets: Set<string>,
  ): { store: NonNullable<BenchResult['store']>; notes: string[] } {
    const known = new Set(models.map(modelKey));
    const lines = this.lines.filter((line) => datasets.has(line.slice.dataset));
    const otherModel = lines.filter((line) => !known.has(modelKey(line.model))).length;
    const otherSettings = lines.filter(
      (line) => known.has(modelKey(line.model)) && line.settingsKey !== settings,
    ).length;
    const otherVersion = lines.filter(
      (line) =>
        known.has(modelKey(line.model)) &&
        line.settingsKey === settings &&
        (line.version ?? 1) !== STORE_VERSION,
    ).length;
    const where = shown(this.file);
    const notes = [
      `Store ${where}: ${this.reused.size} slice(s) reused, ${this.explained} explained now and appended. ` +
        (this.reused.size
          ? 'Timing figures of the reused slices come from the runs that stored them. '
          : '') +
        (lines.length < this.lines.length
          ? `${this.lines.length - lines.length} line(s) of other datasets left alone.`
          : ''),
    ];
    const ignored = otherSettings + otherModel + otherVersion;
    if (ignored)
      notes.push(
        `Store ${where}: ${ignored} line(s) ignored: ${otherSettings} made with other settings ` +
          `(of those that change maps or scores), ${otherModel} with another model (name, version or files), ` +
          `${otherVersion} scored by an earlier version of the benchmark (store version ≠ ${STORE_VERSION}).`,
      );
    if (this.malformedLines.length)
      notes.push(
        `Store ${where}: line(s) ${this.malformedLines.join(', ')} are not a stored slice (cut off by an interrupted run?); skipped.`,
      );
    return {
      store: {
        path: this.file,
        reusedSlices: this.reused.size,
        explainedSlices: this.explained,
        ignoredLines: { otherSettings, otherModel, otherVersion, malformed: this.malformedLines.length },
      },
      notes: notes.map((note) => note.trim()),
    };
  }
}
