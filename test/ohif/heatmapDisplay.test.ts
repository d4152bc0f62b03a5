import { setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The heatmap actors in the fake viewport, with whether each is drawn (its slice has saliency). */
const heatmaps = (actors: Map<string, { actor: any }>) =>
  [...actors].filter(([uid]) => uid.startsWith('xai-clip-heatmap-')).map(([, { actor }]) => actor);

describe('the continuous heatmap (controller with plain-object services)', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('shows a run as a heatmap by default, its levels labelmap kept hidden for Save as DICOM SEG', async () => {
    const { controller, actors, visible, segmentations } = setup();
    await controller.explain({ method: 'occlusion' });
    const [run] = controller.store.state.runs;
    const levels = segmentations.find((s) => s.label === run.label)!.segmentationId;
    const [heatmap] = heatmaps(actors);
    expect(heatmap.visible).toBe(true);
    // The shown slice's values: fractions of the maximum, some salient.
    const values: Float32Array = heatmap.imageData.getPointData().getScalars().getData();
    expect(Math.max(...values)).toBe(1);
    expect(visible.get(levels)).toBe(false);
    expect(controller.store.state.overlay?.segmentationId).toBe(levels);
  });

  it('follows the threshold, the opacity and the display; hides and removes with its run', async () => {
    const { controller, actors, visible, segmentations, libraries } = setup();
    await controller.explain({ method: 'occlusion' });
    const [run] = controller.store.state.runs;
    const levels = segmentations.find((s) => s.label === run.label)!.segmentationId;
    const opacityMapping = libraries.cornerstone.utilities.colormap.updateOpacityMapping;

    controller.updateSettings({ heatmapThreshold: 0.5, opacity: 0.8 });
    const [points, overall] = opacityMapping.mock.calls.at(-1).slice(1);
    expect(overall).toBe(0.8);
    // Transparent in air and up to the threshold, opaque from it.
    expect(points.filter((p: any) => p.opacity === 0).map((p: any) => p.value)).toEqual([-1, 0.499]);
    expect(points.find((p: any) => p.opacity === 1).value).toBe(0.5);

    controller.updateSettings({ display: 'levels' });
    expect(heatmaps(actors)).toHaveLength(0);
    expect(visible.get(levels)).toBe(true);
    controller.updateSettings({ display: 'heatmap' });
    expect(heatmaps(actors)).toHaveLength(1);
    expect(visible.get(levels)).toBe(false);

    await controller.showRun(run.id, false);
    expect(heatmaps(actors)).toHaveLength(0);
    await controller.showRun(run.id, true);
    expect(heatmaps(actors)).toHaveLength(1);
    await controller.removeRun(run.id);
    expect(heatmaps(actors)).toHaveLength(0);
  });

  it('shows the levels on a viewport that cannot show the heatmap (MPR)', async () => {
    const { controller, actors, visible, segmentations, viewport } = setup();
    delete (viewport as any).createActorMapper;
    await controller.explain({ method: 'occlusion' });
    const [run] = controller.store.state.runs;
    expect(heatmaps(actors)).toHaveLength(0);
    expect(visible.get(segmentations.find((s) => s.label === run.label)!.segmentationId)).toBe(true);
  });

  it('shows only the newest run of two', async () => {
    const { controller, actors } = setup();
    await controller.explain({ method: 'occlusion' });
    await controller.explain({ method: 'rise' });
    expect(heatmaps(actors)).toHaveLength(1);
    const [occlusion] = controller.store.state.runs;
    await controller.showRun(occlusion.id, true);
    expect(heatmaps(actors)).toHaveLength(2);
  });
});
