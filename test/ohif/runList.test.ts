import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Two runs on the fake viewer, shown as levels: occlusion, then RISE with the ROI outline shown. */
async function twoRuns() {
  const viewer = setup({ defaults: { display: 'levels' } });
  const { controller } = viewer;
  await controller.explain({ method: 'occlusion' });
  await controller.explain({ method: 'rise', showRoi: true });
  const [occlusion, rise] = controller.store.state.runs;
  return { ...viewer, occlusion, rise };
}

describe('the run list (controller with plain-object services)', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('lists each run once; a new run hides the earlier ones and takes the legend and the card', async () => {
    const { controller, segmentations, visible, occlusion, rise } = await twoRuns();
    const { state } = controller.store;
    expect(state.runs.map((run) => [run.method, run.organ, run.slices, run.passes, run.visible])).toEqual([
      ['occlusion', 'liver', { explained: [2], count: 2 }, 3, false],
      ['rise', 'liver', { explained: [2], count: 2 }, 3, true],
    ]);
    expect(rise.label).toMatch(/^XAI-CLIP rise liver, slice 2, \d\d:\d\d$/);
    const idOf = (label: string) => segmentations.find((s) => s.label === label)!.segmentationId;
    expect(visible.get(idOf(occlusion.label))).toBe(false);
    expect(visible.get(idOf(rise.label))).toBe(true);
    expect(state).toMatchObject({ currentRunId: rise.id, report: { method: 'rise' } });
    expect(state.overlay?.segmentationId).toBe(idOf(rise.label));
    expect(controller.lastResult()?.report.method).toBe('rise');
  });

  it('shows and hides runs with OHIF visibility; the legend is the visible run shown last, or none', async () => {
    const { controller, segmentations, visible, occlusion, rise } = await twoRuns();
    const idOf = (label: string) => segmentations.find((s) => s.label === label)!.segmentationId;
    await controller.showRun(occlusion.id, true);
    expect(visible.get(idOf(occlusion.label))).toBe(true);
    expect(controller.store.state).toMatchObject({
      currentRunId: occlusion.id,
      report: { method: 'occlusion' },
    });
    await controller.showRun(occlusion.id, false);
    await controller.showRun(rise.id, false);
    // The RISE run's ROI outline hides with it.
    expect(visible.get(idOf(`${rise.label} · ROI (clip)`))).toBe(false);
    expect(controller.store.state).toMatchObject({
      currentRunId: undefined,
      report: undefined,
      overlay: undefined,
    });
  });

  it("removes a run's own segmentations only; Save as SEG then has the visible run, or says there is none", async () => {
    const { controller, segmentations, occlusion, rise } = await twoRuns();
    await controller.removeRun(rise.id);
    expect(segmentations.map((s) => s.label)).toEqual(['Manual liver', occlusion.label]);
    expect(controller.store.state.runs.map((run) => run.id)).toEqual([occlusion.id]);
    // The occlusion run is hidden: nothing is current, so nothing is saved.
    expect(controller.lastResult()).toBeUndefined();
    await controller.saveSeg();
    expect(controller.store.state.message).toMatch(/no XAI-CLIP result to save yet/);
    await controller.showRun(occlusion.id, true);
    expect(controller.lastResult()?.report.method).toBe('occlusion');
  });

  it("renames a run and its segmentations in OHIF's list; refuses a name taken, saying why", async () => {
    const { controller, segmentations, rise } = await twoRuns();
    await controller.renameRun(rise.id, 'RISE, 2000 masks');
    expect(segmentations.map((s) => s.label).slice(-2)).toEqual([
      'RISE, 2000 masks',
      'RISE, 2000 masks · ROI (clip)',
    ]);
    await controller.renameRun(rise.id, 'Manual liver');
    expect(controller.store.state).toMatchObject({
      message: '"Manual liver" is taken: another segmentation has that name.',
      messageTone: 'error',
    });
    expect(controller.store.state.runs[1].label).toBe('RISE, 2000 masks');
  });

  it('compares two runs by toggling which one the viewport shows', async () => {
    const { controller, segmentations, visible, occlusion, rise } = await twoRuns();
    const shown = () => segmentations.filter((s) => visible.get(s.segmentationId)).map((s) => s.label);
    await controller.compareRuns(occlusion.id, rise.id);
    // "Show the ROI outline" is on: the run shown gets its own.
    expect(shown()).toEqual([occlusion.label, `${occlusion.label} · ROI (clip)`]);
    expect(controller.store.state.comparedRuns).toEqual([occlusion.id, rise.id]);
    await controller.swapComparedRuns();
    expect(shown()).toEqual([rise.label, `${rise.label} · ROI (clip)`]);
    expect(controller.store.state.currentRunId).toBe(rise.id);
  });

  it('hides the runs while a run paints its refining map, and shows them again when it is cancelled', async () => {
    const { controller, worker, segmentations, visible, rise } = await twoRuns();
    const plane = 12;
    worker.respond = (request) => [
      {
        type: 'partial',
        id: request.id,
        offset: plane,
        saliency: new Float32Array(plane).fill(1),
        final: false,
      },
    ];
    const run = controller.explain({ method: 'occlusion' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const riseId = segmentations.find((s) => s.label === rise.label)!.segmentationId;
    expect(visible.get(riseId)).toBe(false);
    expect(controller.store.state.overlay).toBeUndefined();
    controller.cancel();
    await run;
    expect(visible.get(riseId)).toBe(true);
    expect(controller.store.state).toMatchObject({ status: 'cancelled', currentRunId: rise.id });
  });

  it('keeps a hidden run hidden when OHIF shows its series again, and drops a run whose map the user removes', async () => {
    const { controller, segmentations, visible, emit, services, occlusion, rise } = await twoRuns();
    controller.attach();
    const idOf = (label: string) => segmentations.find((s) => s.label === label)!.segmentationId;
    // Back on the series, OHIF re-adds its segmentations' representations, every one visible.
    visible.forEach((_, id) => visible.set(id, true));
    emit('representationModified', { segmentationId: idOf(occlusion.label) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(visible.get(idOf(occlusion.label))).toBe(false);
    expect(visible.get(idOf(rise.label))).toBe(true);
    // The user removes the RISE map in OHIF's segmentation panel: its run and ROI outline go.
    services.segmentationService.remove(idOf(rise.label));
    expect(controller.store.state.runs.map((run) => run.id)).toEqual([occlusion.id]);
    expect(segmentations.map((s) => s.label)).toEqual(['Manual liver', occlusion.label]);
    controller.detach();
  });

  it('forgets the runs when the viewer leaves the mode (OHIF drops every segmentation)', async () => {
    const { controller } = await twoRuns();
    controller.detach();
    expect(controller.store.state).toMatchObject({ runs: [], currentRunId: undefined, overlay: undefined });
  });
});
