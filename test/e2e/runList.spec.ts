import { mkdirSync } from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { commandNames } from '../../extension/src/id';
import { segmentationLabels, showSlice, viewerSliceNumber } from './helpers/pageActions';
import { chaosLiverTruth, largestLiverSlice, openViewer, ViewerSession } from './helpers/viewerSession';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SCREENSHOTS = path.join(__dirname, '..', '..', 'build', 'screenshots');

/**
 * Small runs of a few seconds each on WASM: the predicted-mask ROI, large windows or few masks;
 * shown as levels, whose OHIF visibility the test follows (heatmap.spec.ts runs the list with the
 * heatmap).
 */
const OCCLUSION = {
  display: 'levels',
  method: 'occlusion',
  roi: 'mask',
  scope: 'slice',
  windowMm: 60,
  strideMm: 60,
  coarseToFine: false,
  confirmed: true,
};
const RISE = { ...OCCLUSION, method: 'rise', samples: 40 };

/** SHA-256 of the active viewport's canvas, once two reads 300 ms apart agree (rendering settled). */
async function viewportPixels(page: Page): Promise<string> {
  const read = () =>
    page.evaluate(async () => {
      const { services } = window as any;
      const viewport = services.cornerstoneViewportService.getCornerstoneViewport(
        services.viewportGridService.getActiveViewportId(),
      );
      const bytes = new TextEncoder().encode(viewport.canvas.toDataURL());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    });
  let last = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await read();
    if (now === last) return now;
    last = now;
  }
}

/** Whether OHIF shows the segmentation labelled `label` in the active viewport. */
function visibleInViewport(page: Page, label: string): Promise<boolean | undefined> {
  return page.evaluate((wanted) => {
    const { segmentationService, viewportGridService } = (window as any).services;
    const segmentation = segmentationService.getSegmentations().find((s: any) => s.label === wanted);
    if (!segmentation) return undefined;
    const [representation] = segmentationService.getSegmentationRepresentations(
      viewportGridService.getActiveViewportId(),
      { segmentationId: segmentation.segmentationId },
    );
    return representation?.visible;
  }, label);
}

/** The method of the result Save as DICOM SEG would save (`xaiGetResult`), if any. */
function savedMethod(page: Page): Promise<string | undefined> {
  return page.evaluate(
    (getResult) => (window as any).commandsManager.runCommand(getResult)?.report.method,
    commandNames.getResult,
  );
}

const row = (id: string) => `[data-cy="xai-run"][data-run-id="${id}"]`;

describe('The run list (CHAOS CT, WASM)', () => {
  let session: ViewerSession;
  const slice = largestLiverSlice(chaosLiverTruth());

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    session = await openViewer();
    await showSlice(session.page, slice);
    await waitForXaiState(session.page, (state, k) => state.currentSlice === k, { arg: slice });
  });
  afterAll(() => session?.close());

  it('lists two runs as two rows with unique labels; show, hide, compare and remove change what the viewport shows', async () => {
    const { page } = session;
    // A user's own segmentation, which the run list must never touch.
    await page.evaluate(async () => {
      const { segmentationService, viewportGridService, displaySetService } = (window as any).services;
      const viewportId = viewportGridService.getActiveViewportId();
      const uid = viewportGridService.getState().viewports.get(viewportId).displaySetInstanceUIDs[0];
      await segmentationService.createLabelmapForDisplaySet(displaySetService.getDisplaySetByUID(uid), {
        label: 'Manual liver',
        segments: { 1: { label: 'liver' } },
      });
    });
    const nothingShown = await viewportPixels(page);

    const occlusionReport = await runXaiCommand(page, commandNames.explain, OCCLUSION);
    expect(occlusionReport).toMatchObject({ method: 'occlusion', slices: [slice] });
    const occlusionShown = await viewportPixels(page);
    const riseReport = await runXaiCommand(page, commandNames.explain, RISE);
    expect(riseReport).toMatchObject({ method: 'rise', slices: [slice] });
    const riseShown = await viewportPixels(page);

    // Two rows; the new run hid the first. Labels name the slice as the viewer's overlay does.
    const { runs, currentRunId } = await xaiState(page);
    const [occlusion, rise] = runs;
    await expect(page.locator('[data-cy="xai-run"]').count()).resolves.toBe(2);
    const [number, count] = await viewerSliceNumber(page);
    console.log(
      `viewer shows ${number}/${count} for volume slice ${slice}; runs: ${runs.map((r: any) => r.label)}`,
    );
    expect(occlusion.label).toMatch(new RegExp(`^XAI-CLIP occlusion liver, slice ${number}, \\d\\d:\\d\\d$`));
    expect(rise.label).toMatch(new RegExp(`^XAI-CLIP rise liver, slice ${number}, \\d\\d:\\d\\d$`));
    const labels = await segmentationLabels(page);
    expect(labels).toEqual(['Manual liver', occlusion.label, rise.label]);
    expect(new Set(labels).size).toBe(labels.length);
    await expect(
      page.locator(`${row(rise.id)} [data-cy="xai-run-details"]`).textContent(),
    ).resolves.toContain(`slice ${number}/${count}`);
    await expect(page.locator('[data-cy="xai-slices"]').textContent()).resolves.toBe(
      `Slice ${number} of ${count}`,
    );
    expect(currentRunId).toBe(rise.id);
    expect([occlusion.visible, rise.visible]).toEqual([false, true]);
    expect(await visibleInViewport(page, occlusion.label)).toBe(false);
    expect(await visibleInViewport(page, rise.label)).toBe(true);
    await expect(page.locator('[data-cy="xai-legend-run"]').textContent()).resolves.toBe(rise.label);
    // The first run was hidden when the second was drawn: the viewport showed the RISE map alone.
    expect(riseShown).not.toBe(occlusionShown);
    expect(riseShown).not.toBe(nothingShown);
    // The panel scrolled to its end: the run list, the card and the legend.
    const panel = page.locator('[data-cy="xai-clip-panel"]');
    await panel.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await panel.screenshot({ path: path.join(SCREENSHOTS, 'panel-runs.png') });

    // Hide the RISE run: nothing of ours is shown, and neither legend nor card stays.
    await page.click(`${row(rise.id)} [data-cy="xai-run-visible"]`);
    await waitForXaiState(page, (state) => state.currentRunId === undefined);
    expect(await visibleInViewport(page, rise.label)).toBe(false);
    expect(await viewportPixels(page)).toBe(nothingShown);
    await expect(page.locator('[data-cy="xai-legend"]').count()).resolves.toBe(0);
    await expect(page.locator('[data-cy="xai-result"]').count()).resolves.toBe(0);

    // Show the occlusion run again: its map, its legend.
    await page.click(`${row(occlusion.id)} [data-cy="xai-run-visible"]`);
    await waitForXaiState(page, (state, id) => state.currentRunId === id, { arg: occlusion.id });
    expect(await visibleInViewport(page, occlusion.label)).toBe(true);
    expect(await viewportPixels(page)).toBe(occlusionShown);
    await expect(page.locator('[data-cy="xai-legend-run"]').textContent()).resolves.toBe(occlusion.label);

    // Compare: A (occlusion) alone, then B (RISE) alone, and back.
    await page.selectOption('[data-cy="xai-compare-a"]', occlusion.id);
    await page.selectOption('[data-cy="xai-compare-b"]', rise.id);
    await page.click('[data-cy="xai-compare"]');
    await waitForXaiState(page, (state) => state.comparedRuns !== undefined);
    expect(await viewportPixels(page)).toBe(occlusionShown);
    await expect(page.locator('[data-cy="xai-compare-swap"]').textContent()).resolves.toBe('Show B');
    await page.click('[data-cy="xai-compare-swap"]');
    await waitForXaiState(page, (state, id) => state.currentRunId === id, { arg: rise.id });
    expect(await viewportPixels(page)).toBe(riseShown);
    expect(await visibleInViewport(page, occlusion.label)).toBe(false);
    await expect(page.locator('[data-cy="xai-legend-run"]').textContent()).resolves.toBe(rise.label);
    await page.click('[data-cy="xai-compare-swap"]');
    await waitForXaiState(page, (state, id) => state.currentRunId === id, { arg: occlusion.id });
    expect(await viewportPixels(page)).toBe(occlusionShown);

    // Rename, in the panel and in OHIF's list.
    await page.click(`${row(rise.id)} [data-cy="xai-run-rename"]`);
    await page.fill(`${row(rise.id)} [data-cy="xai-run-name"]`, 'RISE, 40 masks');
    await page.press(`${row(rise.id)} [data-cy="xai-run-name"]`, 'Enter');
    await waitForXaiState(page, (state) => state.runs[1].label === 'RISE, 40 masks');
    expect(await segmentationLabels(page)).toEqual(['Manual liver', occlusion.label, 'RISE, 40 masks']);

    // Remove the occlusion run (shown, current): its segmentation goes, the user's stays; nothing to save.
    await page.click(`${row(occlusion.id)} [data-cy="xai-run-remove"]`);
    await waitForXaiState(page, (state) => state.runs.length === 1);
    expect(await segmentationLabels(page)).toEqual(['Manual liver', 'RISE, 40 masks']);
    expect(await viewportPixels(page)).toBe(nothingShown);
    await expect(page.locator('[data-cy="xai-save-seg"]').isDisabled()).resolves.toBe(true);
    expect(await savedMethod(page)).toBeUndefined();
    // The RISE run shown again is the one Save as DICOM SEG would save.
    await page.click(`${row(rise.id)} [data-cy="xai-run-visible"]`);
    await waitForXaiState(page, (state, id) => state.currentRunId === id, { arg: rise.id });
    await expect(page.locator('[data-cy="xai-save-seg"]').isDisabled()).resolves.toBe(false);
    expect(await savedMethod(page)).toBe('rise');
    expect(await viewportPixels(page)).toBe(riseShown);
  });
});
