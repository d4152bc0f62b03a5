import { RunDetails, RunRegistry } from '../../extension/src/ohif/RunRegistry';

/** A run ended at 14:02 (local time) on slice 43 of 78, unless told otherwise. */
function details(patch: Partial<RunDetails> = {}): RunDetails {
  return {
    method: 'occlusion',
    organ: 'liver',
    slices: { explained: [43], count: 78 },
    roi: { source: 'clip', fraction: 0.229 },
    passes: 371,
    explainMs: 24100,
    finishedAt: new Date(2026, 0, 5, 14, 2, 30).getTime(),
    seriesDescription: 'CT',
    ...patch,
  };
}

/** Adds a run under the label it would get; the payload is its label. */
function addRun(runs: RunRegistry<string>, patch: Partial<RunDetails> = {}, taken: string[] = []) {
  const label = runs.labelFor(details(patch), taken);
  return runs.add(details(patch), label, label);
}

describe('the run list (RunRegistry)', () => {
  it('labels a run by method, organ, slices as the viewer numbers them and time, uniquely', () => {
    const runs = new RunRegistry<string>();
    expect(addRun(runs).label).toBe('XAI-CLIP occlusion liver, slice 43, 14:02');
    // The same settings in the same minute, and a label a user's segmentation already has.
    expect(addRun(runs).label).toBe('XAI-CLIP occlusion liver, slice 43, 14:02 (2)');
    expect(addRun(runs, {}, ['XAI-CLIP occlusion liver, slice 43, 14:02 (3)']).label).toBe(
      'XAI-CLIP occlusion liver, slice 43, 14:02 (4)',
    );
    expect(addRun(runs, { method: 'rise', slices: { explained: [36, 37, 38], count: 78 } }).label).toBe(
      'XAI-CLIP rise liver, slices 36–38, 14:02',
    );
    expect(new Set(runs.summaries().map((run) => run.label)).size).toBe(4);
  });

  it('keeps runs in the order made; a new run is shown and current, the earlier ones hidden', () => {
    const runs = new RunRegistry<string>();
    const first = addRun(runs);
    const second = addRun(runs, { method: 'rise' });
    expect(runs.summaries().map((run) => [run.id, run.visible])).toEqual([
      [first.id, false],
      [second.id, true],
    ]);
    expect(runs.current()?.summary.id).toBe(second.id);
  });

  it('gives the legend to the visible run shown last, and to none when every run is hidden', () => {
    const runs = new RunRegistry<string>();
    const first = addRun(runs);
    const second = addRun(runs, { method: 'rise' });
    runs.setVisible(first.id, true);
    expect(runs.current()?.summary.id).toBe(first.id);
    runs.setVisible(first.id, false);
    expect(runs.current()?.summary.id).toBe(second.id);
    runs.setVisible(second.id, false);
    expect(runs.current()).toBeUndefined();
  });

  it('removes a run: the current one then is the other visible run, or none', () => {
    const runs = new RunRegistry<string>();
    const first = addRun(runs);
    const second = addRun(runs, { method: 'rise' });
    runs.setVisible(first.id, true);
    runs.setVisible(second.id, true);
    expect(runs.remove(second.id)).toBe(second.label);
    expect(runs.summaries().map((run) => run.id)).toEqual([first.id]);
    expect(runs.current()?.summary.id).toBe(first.id);
    runs.remove(first.id);
    expect(runs.current()).toBeUndefined();
    expect(() => runs.remove(first.id)).toThrow(`There is no XAI-CLIP run "${first.id}" (it was removed).`);
  });

  it('renames a run, refusing an empty name or one another segmentation has', () => {
    const runs = new RunRegistry<string>();
    const first = addRun(runs);
    const second = addRun(runs, { method: 'rise' });
    runs.rename(first.id, '  liver before the fix ', ['Manual liver']);
    expect(runs.get(first.id).summary.label).toBe('liver before the fix');
    expect(() => runs.rename(first.id, ' ', [])).toThrow('A run needs a name: the new one is empty.');
    expect(() => runs.rename(first.id, second.label, [])).toThrow(
      `"${second.label}" is taken: another segmentation has that name.`,
    );
    expect(() => runs.rename(first.id, 'Manual liver', ['Manual liver'])).toThrow(/is taken/);
    // Its own name, which OHIF's list also holds, is no clash.
    runs.rename(second.id, second.label, [second.label]);
  });

  it('compares two runs by toggling: one shown alone, swap shows the other', () => {
    const runs = new RunRegistry<string>();
    const a = addRun(runs);
    const b = addRun(runs, { method: 'rise' });
    const c = addRun(runs, { method: 'lime' });
    const shown = () =>
      runs
        .summaries()
        .filter((run) => run.visible)
        .map((run) => run.id);
    runs.compare(a.id, b.id);
    expect(shown()).toEqual([a.id]);
    expect(runs.comparedPair()).toEqual([a.id, b.id]);
    runs.swapCompared();
    expect(shown()).toEqual([b.id]);
    expect(runs.current()?.summary.id).toBe(b.id);
    runs.swapCompared();
    expect(shown()).toEqual([a.id]);
    runs.setVisible(c.id, true);
    expect(() => runs.compare(a.id, a.id)).toThrow('Choose two different runs to compare.');
    runs.remove(b.id);
    expect(runs.comparedPair()).toBeUndefined();
    expect(() => runs.swapCompared()).toThrow('Choose two runs to compare first.');
  });

  it('replaces a summary when it changes, so that a snapshot of the list stays as it was', () => {
    const runs = new RunRegistry<string>();
    const first = addRun(runs);
    const before = runs.summaries();
    runs.setVisible(first.id, false);
    expect(before[0].visible).toBe(true);
    expect(runs.summaries()[0].visible).toBe(false);
  });
});
