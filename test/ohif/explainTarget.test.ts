import { WorkerRequest } from '../../extension/src/worker/messages';
import { NX, NY, setup } from './helpers/fakeViewer';

/* eslint-disable @typescript-eslint/no-explicit-any */

const explainRequests = (worker: { requests: WorkerRequest[] }) =>
  worker.requests.filter((r): r is Extract<WorkerRequest, { type: 'explain' }> => r.type === 'explain');

/** A press and release at (x, y) on the viewport's element, as a click dispatches them. */
function click(element: EventTarget, x: number, y: number, releaseAt = [x, y]): void {
  element.dispatchEvent(Object.assign(new Event('pointerdown'), { clientX: x, clientY: y }));
  element.dispatchEvent(
    Object.assign(new Event('pointerup'), { clientX: releaseAt[0], clientY: releaseAt[1] }),
  );
}

describe('Explain a region from the viewer: a picked piece or a segment', () => {
  beforeAll(() => {
    (globalThis as any).location = { href: 'http://localhost/xai-clip' };
  });

  it('a click on the viewport picks the piece; the run explains the voxel there, on the slice picked', async () => {
    const viewer = setup();
    const { controller, viewport, worker } = viewer;
    Object.assign(viewport, {
      // Canvas pixels are world mm on the slice z = 2 (image img:1, slice k = 1).
      canvasToWorld: ([x, y]: [number, number]) => [x, y, 2],
    });
    Object.assign(viewport.element, { getBoundingClientRect: () => ({ left: 10, top: 20 }) });
    controller.store.set({ currentSlice: 1 });
    const picked = controller.pickTargetPiece();
    expect(controller.store.state.picking).toBe(true);
    click(viewport.element, 30, 40, [40, 40]); // a drag (window/level): not a pick
    expect(controller.store.state.picking).toBe(true);
    click(viewport.element, 12, 21);
    await picked;
    expect(controller.store.state).toMatchObject({
      picking: false,
      targetPick: { world: [2, 1, 2], slice: 1 },
    });

    await controller.explain({ target: 'piece' });
    expect(explainRequests(worker)[0].request).toMatchObject({
      slice: 1,
      targetRegion: { voxel: [2, 1, 1] },
    });
  });

  it('refuses a piece run before anything is picked, saying what to do, and changes nothing', async () => {
    const { controller, worker, segmentations } = setup();
    const before = segmentations.map((s) => s.label);
    await expect(controller.explain({ target: 'piece' })).resolves.toBeUndefined();
    expect(controller.store.state.status).toBe('error');
    expect(controller.store.state.message).toMatch(/^No piece of liver picked: click "Pick a piece of liver/);
    expect(explainRequests(worker)).toHaveLength(0);
    expect(segmentations.map((s) => s.label)).toEqual(before);
  });

  it("offers the viewer's segments (not XAI-CLIP's own) and sends the chosen one's voxels on the volume grid", async () => {
    const { controller, worker, segmentations, labelmapImages, emit } = setup();
    controller.attach();
    (segmentations[0] as any).segments = { 1: { label: 'liver' }, 2: { label: 'lesion' } };
    await controller.explain({ organ: 'liver' }); // adds XAI-CLIP's own segmentation
    // The fake's segmentations share their labelmap images: the segment's voxels go in after that run.
    // Segment 2 on slice 1 (seg:a references img:1) at voxel 7, and on slice 0 (seg:b) at voxel 0.
    for (const id of ['seg:a', 'seg:b']) labelmapImages.get(id)!.voxelManager.data.fill(0);
    labelmapImages.get('seg:a')!.voxelManager.data[7] = 2;
    labelmapImages.get('seg:b')!.voxelManager.data[0] = 2;
    labelmapImages.get('seg:b')!.voxelManager.data[1] = 1;
    emit('segmentationModified', {});
    const choices = controller.store.state.segmentChoices;
    expect(choices.map((c) => c.label)).toEqual(['Manual liver › liver', 'Manual liver › lesion']);

    await controller.explain({ target: 'segment', targetSegment: choices[1] });
    const { targetRegion } = explainRequests(worker)[1].request as any;
    expect(targetRegion.label).toBe('Manual liver › lesion');
    const expected = new Uint8Array(NX * NY * 2);
    expected[0] = 1;
    expected[NX * NY + 7] = 1;
    expect(Array.from(targetRegion.mask)).toEqual(Array.from(expected));
  });

  it('refuses an empty segment with a sentence naming it', async () => {
    const { controller, segmentations } = setup();
    (segmentations[0] as any).segments = { 1: { label: 'liver' } };
    const choice = { segmentationId: 'existing', segmentIndex: 1, label: 'Manual liver › liver' };
    await controller.explain({ target: 'segment', targetSegment: choice });
    expect(controller.store.state.message).toBe(
      '"Manual liver › liver" has no voxel. Draw the region with the brush first, or pick another segment.',
    );
  });

  it('forgets a chosen segment once its segmentation is removed', async () => {
    const { controller, services, segmentations, emit } = setup();
    controller.attach();
    (segmentations[0] as any).segments = { 1: { label: 'liver' } };
    emit('segmentationAdded', {});
    controller.updateSettings({ target: 'segment', targetSegment: controller.store.state.segmentChoices[0] });
    services.segmentationService.remove('existing');
    expect(controller.store.state.segmentChoices).toEqual([]);
    expect(controller.store.state.settings.targetSegment).toBeUndefined();
  });

  it('lists the pieces of the organ on the slice shown, largest first, and picks one by its row', async () => {
    const { controller, worker } = setup();
    controller.store.set({ classes: ['background', 'liver'], currentSlice: 1 });
    // A 4 × 3 slice: a 3-pixel piece on the left, a 1-pixel island on the right.
    worker.inspectedLabels = Uint8Array.from([1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]);
    const pieces = await controller.listPieces();
    expect(pieces).toMatchObject({ organ: 'liver', slice: 1 });
    expect(pieces!.list.map((p) => [p.index, p.voxels, p.ml])).toEqual([
      [1, 3, 0.006],
      [2, 1, 0.002],
    ]);
    // Each piece's point lies on it: pixel (3, 1) of slice 1 (z = 2 mm) for the island.
    expect(pieces!.list[1].world).toEqual([3, 1, 2]);
    controller.pickPiece(2);
    expect(controller.store.state.targetPick).toEqual({ world: [3, 1, 2], slice: 1 });
    await controller.explain({ target: 'piece' });
    expect(explainRequests(worker)[0].request).toMatchObject({
      slice: 1,
      targetRegion: { voxel: [3, 1, 1] },
    });
  });
});
