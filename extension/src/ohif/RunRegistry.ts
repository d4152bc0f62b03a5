import { describeViewerSlices, ViewerSlices } from './viewerSlices';

/** One explanation run as the panel's run list shows it (a row). */
export interface RunSummary {
  id: string;
  /** Unique among the runs and the viewer's segmentations: "XAI-CLIP occlusion liver, slice 43, 14:02". */
  label: string;
  method: string;
  organ: string;
  /** The explained slices as the viewer numbers them. */
  slices: ViewerSlices;
  roi: { source: string; fraction: number };
  passes: number;
  explainMs: number;
  /** When the run ended (ms since the epoch). */
  finishedAt: number;
  /** The explained series, as the viewer's series list names it. */
  seriesDescription: string;
  visible: boolean;
}

/** What a new run is made of: everything of its row but the id, the label and the visibility. */
export type RunDetails = Omit<RunSummary, 'id' | 'label' | 'visible'>;

interface Run<T> {
  summary: RunSummary;
  /** What the host keeps of the run (its overlays and maps). */
  payload: T;
  /** When the run was last shown (a counter): the newest shown visible run is the current one. */
  shownAt: number;
}

/**
 * The session's explanation runs, in the order they were made: which are visible, their unique
 * labels, and which one is current (the visible run shown last: the legend, the result card and
 * Save as DICOM SEG belong to it). A new run hides the earlier ones, so two maps never mix
 * unasked; "compare" toggles between two chosen runs. Pure bookkeeping: the host makes the
 * viewer follow it.
 */
export class RunRegistry<T> {
  private runs: Run<T>[] = [];
  private nextId = 1;
  private showCount = 0;
  private compared?: [string, string];

  /**
   * The label a new run gets: method, organ, slices as the viewer numbers them and the time it
   * ended, with " (2)", " (3)"… when another segmentation already has it.
   */
  labelFor(details: RunDetails, takenLabels: Iterable<string>): string {
    const time = new Date(details.finishedAt).toTimeString().slice(0, 5);
    const base = `XAI-CLIP ${details.method} ${details.organ}, ${describeViewerSlices(details.slices.explained)}, ${time}`;
    const taken = new Set([...takenLabels, ...this.runs.map((run) => run.summary.label)]);
    let label = base;
    for (let n = 2; taken.has(label); n++) label = `${base} (${n})`;
    return label;
  }

  /** Adds a run, visible and current; the earlier runs are hidden. */
  add(details: RunDetails, label: string, payload: T): RunSummary {
    this.runs.forEach((run) => this.setSummary(run, { visible: false }));
    const summary: RunSummary = { ...details, id: `run-${this.nextId++}`, label, visible: true };
    this.runs.push({ summary, payload, shownAt: ++this.showCount });
    return summary;
  }

  /** The runs in the order they were made. */
  list(): { summary: RunSummary; payload: T }[] {
    return [...this.runs];
  }

  summaries(): RunSummary[] {
    return this.runs.map((run) => run.summary);
  }

  /** The run's summary and payload; throws for a run that is gone. */
  get(id: string): { summary: RunSummary; payload: T } {
    const run = this.runs.find((r) => r.summary.id === id);
    if (!run) throw new Error(`There is no XAI-CLIP run "${id}" (it was removed).`);
    return run;
  }

  /** The run the legend, the result card and Save as DICOM SEG belong to: the visible run shown last. */
  current(): { summary: RunSummary; payload: T } | undefined {
    return this.runs
      .filter((run) => run.summary.visible)
      .reduce<Run<T> | undefined>(
        (last, run) => (last && last.shownAt > run.shownAt ? last : run),
        undefined,
      );
  }

  /** Shows or hides a run; a run shown becomes the current one. */
  setVisible(id: string, visible: boolean): void {
    const run = this.get(id) as Run<T>;
    this.setSummary(run, { visible });
    if (visible) run.shownAt = ++this.showCount;
  }

  /** Drops a run (and a comparison it was part of); returns its payload. */
  remove(id: string): T {
    const run = this.get(id) as Run<T>;
    this.runs = this.runs.filter((r) => r !== run);
    if (this.compared?.includes(id)) this.compared = undefined;
    return run.payload;
  }

  /** Renames a run; refuses an empty label or one another segmentation has. */
  rename(id: string, label: string, takenLabels: Iterable<string>): void {
    const run = this.get(id) as Run<T>;
    const name = label.trim();
    if (!name) throw new Error('A run needs a name: the new one is empty.');
    const others = new Set([
      ...takenLabels,
      ...this.runs.filter((r) => r !== run).map((r) => r.summary.label),
    ]);
    others.delete(run.summary.label);
    if (others.has(name)) throw new Error(`"${name}" is taken: another segmentation has that name.`);
    this.setSummary(run, { label: name });
  }

  /** Compares two runs by toggling: shows `a` alone (every other run hidden); `swapCompared` shows `b`. */
  compare(a: string, b: string): void {
    if (a === b) throw new Error('Choose two different runs to compare.');
    this.get(b);
    this.runs.forEach((run) => this.setSummary(run, { visible: false }));
    this.setVisible(a, true);
    this.compared = [a, b];
  }

  /** The two runs compared, once `compare` chose them. */
  comparedPair(): [string, string] | undefined {
    return this.compared;
  }

  /** Shows the compared run that is hidden and hides the other (the first if both show or hide). */
  swapCompared(): void {
    if (!this.compared) throw new Error('Choose two runs to compare first.');
    const [a, b] = this.compared;
    const [show, hide] = this.get(a).summary.visible && !this.get(b).summary.visible ? [b, a] : [a, b];
    this.setVisible(hide, false);
    this.setVisible(show, true);
  }

  /** Forgets every run (the viewer dropped their segmentations). */
  clear(): void {
    this.runs = [];
    this.compared = undefined;
  }

  /** Summaries are replaced, never changed, so that a snapshot of them stays as it was. */
  private setSummary(run: Run<T>, patch: Partial<RunSummary>): void {
    run.summary = { ...run.summary, ...patch };
  }
}
