import { Page } from 'playwright-core';
import { commandNames } from '../../../extension/src/id';
import { waitForXaiState, xaiState } from './xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Shows slice k (volume order) in the active viewport, loading the series' volume first. */
export async function showSlice(page: Page, k: number): Promise<void> {
  await page.evaluate(async (slice) => {
    const w = window as any;
    const { viewportGridService, cornerstoneViewportService } = w.services;
    const viewportId = viewportGridService.getActiveViewportId();
    const viewport = cornerstoneViewportService.getCornerstoneViewport(viewportId);
    const uid = viewportGridService.getState().viewports.get(viewportId).displaySetInstanceUIDs[0];
    const volumeId = `cornerstoneStreamingImageVolume:${uid}`;
    const { cache, volumeLoader } = w.cornerstone;
    const volume =
      cache.getVolume(volumeId) ??
      (await volumeLoader.createAndCacheVolume(volumeId, { imageIds: viewport.getImageIds() }));
    if (!volume.loadStatus?.loaded) {
      await new Promise<void>((resolve) => {
        const poll = () => (volume.loadStatus?.loaded ? resolve() : setTimeout(poll, 250));
        if (!volume.loadStatus?.loading) volume.load();
        poll();
      });
    }
    await viewport.setImageIdIndex(viewport.getImageIds().indexOf(volume.imageIds[slice]));
    viewport.render();
  }, k);
}

/** Waits until XAI-CLIP leaves the running state; returns its state. */
export async function waitForIdle(page: Page, timeout = 240000): Promise<any> {
  await waitForXaiState(page, (state) => state.status !== 'running', { timeout });
  const { status, message, backend, fallbackReason, report } = await xaiState(page);
  return { status, message, backend, fallbackReason, report };
}

/** Labels of the current segmentations. */
export function segmentationLabels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as any).services.segmentationService.getSegmentations().map((s: any) => s.label),
  );
}

/**
 * The non-zero voxels of the newest XAI-CLIP labelmap as [volume voxel index, label] pairs
 * (slices placed by their referenced image), and the number of visible levels.
 */
export async function newestSaliencyLabels(
  page: Page,
): Promise<{ voxels: [number, number][]; levels: number }> {
  return page.evaluate((getState) => {
    const w = window as any;
    const { overlay } = w.commandsManager.runCommand(getState);
    const segmentation = w.services.segmentationService.getSegmentation(overlay.segmentationId);
    const { viewportGridService } = w.services;
    const uid = viewportGridService.getState().viewports.get(viewportGridService.getActiveViewportId())
      .displaySetInstanceUIDs[0];
    const volume = w.cornerstone.cache.getVolume(`cornerstoneStreamingImageVolume:${uid}`);
    const [nx, ny] = volume.dimensions;
    const voxels: [number, number][] = [];
    for (const imageId of segmentation.representationData.Labelmap.imageIds) {
      const image = w.cornerstone.cache.getImage(imageId);
      const k = volume.imageIds.indexOf(image.referencedImageId);
      const data = image.voxelManager.getScalarData();
      for (let v = 0; v < data.length; v++) if (data[v]) voxels.push([k * nx * ny + v, data[v]]);
    }
    return { voxels, levels: overlay.legend.length };
  }, commandNames.getState);
}

/** Clicks the panel's Explain and, when the run is long enough to ask first, "Explain anyway". */
export async function clickExplainConfirmed(page: Page): Promise<void> {
  await page.click('[data-cy="xai-explain"]');
  const asked = await page
    .locator('[data-cy="xai-explain-anyway"]')
    .isVisible({ timeout: 1000 })
    .catch(() => false);
  if (asked) await page.click('[data-cy="xai-explain-anyway"]');
}

/** The viewport overlay's slice number, "43/78" as [43, 78]. */
export async function viewerSliceNumber(page: Page): Promise<[number, number]> {
  const text = await page.evaluate(() =>
    [...document.querySelectorAll('.overlay-item')]
      .map((item) => item.textContent ?? '')
      .find((item) => /\d+\/\d+/.test(item)),
  );
  const [, n, of] = /(\d+)\/(\d+)/.exec(text ?? '') ?? [];
  if (!n) throw new Error(`The viewport overlay shows no slice number (read "${text}").`);
  return [Number(n), Number(of)];
}
