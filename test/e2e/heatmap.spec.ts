import { mkdirSync } from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { commandNames } from '../../extension/src/id';
import { showSlice } from './helpers/pageActions';
import { openViewer, ViewerSession } from './helpers/viewerSession';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SCREENSHOTS = path.join(__dirname, '..', '..', 'build', 'screenshots');

/**
 * A run of seconds on WASM: large windows over the whole slice (no ROI), so that windows on the
 * body's edge also give saliency to the air beside it, which the heatmap must not colour.
 */
const QUICK_OCCLUSION = {
  method: 'occlusion',
  roi: 'none',
  scope: 'slice',
  windowMm: 60,
  strideMm: 60,
  coarseToFine: false,
  confirmed: true,
};

/** Voxels of the shown slice by kind, as the viewport's canvas pixels under their centres. */
interface Samples {
  /** Tissue (CT from −300 HU, MR from 15 % of the slice's 99th percentile), saliency ≥ 0.6 of the maximum. */
  salient: number[][];
  /** Tissue, saliency 0.25–0.45 of the maximum (under a 0.5 threshold). */
  faint: number[][];
  /** Air (CT below −900 HU, MR below 3 % of the slice's 99th percentile) outside the body (beyond its row's first and last tissue), saliency ≥ 0.1 (coloured at the run's threshold 0.05 but for the body mask). */
  air: number[][];
}

/** Voxels of one slice by kind (volume-grid indices within the slice) and where they are. */
interface Picked {
  voxels: Record<keyof Samples, number[]>;
  imageId: string;
  nx: number;
}

/**
 * Picks voxels of slice k by kind (up to 150 each, spread over the slice) from the current run's
 * saliency and the image itself, and reads the active viewport's canvas under each. With
 * `picked` given (the first call's), reads the same pixels again.
 */
async function sampleCanvas(
  page: Page,
  k: number,
  picked?: Picked,
): Promise<{ picked: Picked; pixels: Samples }> {
  return page.evaluate(
    async ({ slice, getResult, chosen }) => {
      const w = window as any;
      const { services, cornerstone } = w;
      const viewport = services.cornerstoneViewportService.getCornerstoneViewport(
        services.viewportGridService.getActiveViewportId(),
      );
      let picked = chosen;
      if (!picked) {
        const { saliency, series } = w.commandsManager.runCommand(getResult);
        const [nx, ny] = series.dimensions;
        const plane = nx * ny;
        const imageId = series.imageIds[slice];
        const image = cornerstone.cache.getImage(imageId).voxelManager.getScalarData();
        const modality = series.displaySet.Modality;
        const sorted = Float32Array.from(image).sort();
        // Clear air and clear tissue (the body mask's cut lies between: −500 HU, 8 % for MR).
        const robustMax = sorted[Math.floor(0.99 * sorted.length)];
        const airBelow = modality === 'CT' ? -900 : 0.03 * robustMax;
        const tissueFrom = modality === 'CT' ? -300 : 0.15 * robustMax;
        let max = 0;
        for (let v = 0; v < plane; v++) max = Math.max(max, saliency[slice * plane + v]);
        const fraction = (v: number) => saliency[slice * plane + v] / max;
        // Outside the body: on its row, more than 2 voxels left of the first tissue or right of the last.
        const rowExtent = Array.from({ length: ny }, (_, j) => {
          let [first, last] = [nx, -1];
          for (let i = 0; i < nx; i++)
            if (image[i + j * nx] >= tissueFrom) [first, last] = [Math.min(first, i), i];
          return [first, last];
        });
        const outside = (i: number, j: number) => i < rowExtent[j][0] - 2 || i > rowExtent[j][1] + 2;
        const kinds: Record<string, number[]> = { salient: [], faint: [], air: [] };
        for (let v = 0; v < plane; v++) {
          const f = fraction(v);
          if (image[v] >= tissueFrom && f >= 0.6) kinds.salient.push(v);
          else if (image[v] >= tissueFrom && f >= 0.25 && f <= 0.45) kinds.faint.push(v);
          else if (f >= 0.1 && image[v] < airBelow && outside(v % nx, Math.floor(v / nx))) kinds.air.push(v);
        }
        const spread = (list: number[]) =>
          list.filter((_, n) => n % Math.max(1, Math.floor(list.length / 150)) === 0);
        const voxels = { salient: spread(kinds.salient), faint: spread(kinds.faint), air: spread(kinds.air) };
        picked = { voxels, imageId, nx };
      }
      const { voxels, imageId, nx } = picked;
      // The canvas as the user sees it, once the last change has rendered: two reads 300 ms apart agree.
      const canvas = viewport.canvas as HTMLCanvasElement;
      const scale = canvas.width / canvas.clientWidth;
      const at = Object.values(voxels)
        .flat()
        .map((v) => {
          const world = cornerstone.utilities.imageToWorldCoords(imageId, [
            (v % nx) + 0.5,
            Math.floor(v / nx) + 0.5,
          ]);
          return viewport.worldToCanvas(world).map((c: number) => Math.floor(c * scale));
        });
      const readAll = () => {
        const copy = document.createElement('canvas');
        [copy.width, copy.height] = [canvas.width, canvas.height];
        const context = copy.getContext('2d')!;
        context.drawImage(canvas, 0, 0);
        return at.map(([x, y]: number[]) => Array.from(context.getImageData(x, y, 1, 1).data));
      };
      viewport.render();
      let last: number[][] = [];
      for (let attempt = 0; attempt < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const now = readAll();
        if (JSON.stringify(now) === JSON.stringify(last)) break;
        last = now;
      }
      const [salientEnd, faintEnd] = [voxels.salient.length, voxels.salient.length + voxels.faint.length];
      return {
        picked,
        pixels: {
          salient: last.slice(0, salientEnd),
          faint: last.slice(salientEnd, faintEnd),
          air: last.slice(faintEnd),
        },
      };
    },
    { slice: k, getResult: commandNames.getResult, chosen: picked },
  );
}

/** The share of pixels that differ (by more than 8 in a channel) between two reads of the same voxels. */
function changedShare(before: number[][], after: number[][]): number {
  const changed = before.filter((pixel, n) => pixel.some((c, ch) => Math.abs(c - after[n][ch]) > 8));
  return changed.length / Math.max(1, before.length);
}

/** Whether OHIF shows the segmentation labelled `label` in the active viewport. */
function levelsVisible(page: Page, label: string): Promise<boolean | undefined> {
  return page.evaluate((wanted) => {
    const { segmentationService, viewportGridService } = (window as any).services;
    const segmentation = segmentationService.getSegmentations().find((s: any) => s.label === wanted);
    const [representation] = segmentationService.getSegmentationRepresentations(
      viewportGridService.getActiveViewportId(),
      { segmentationId: segmentation?.segmentationId },
    );
    return representation?.visible;
  }, label);
}

describe.each([
  ['CT', 'chaos-ct'],
  ['MR', 'chaos-mr'],
] as const)('The continuous heatmap (CHAOS %s, WASM)', (modality, study) => {
  let session: ViewerSession;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    session = await openViewer({ study });
  });
  afterAll(() => session?.close());

  it('colours the body where the saliency passes the threshold, never air; threshold, opacity, display and the run list apply', async () => {
    const { page } = session;
    // The slice the survey opened on: where the model finds most liver.
    const { currentSlice: slice } = await xaiState(page);
    await showSlice(page, slice);
    expect((await xaiState(page)).settings).toMatchObject({ display: 'heatmap', heatmapThreshold: 0.15 });
    // A low threshold, so that the air beside the body would be coloured but for the body mask.
    const report = await runXaiCommand(page, commandNames.explain, {
      ...QUICK_OCCLUSION,
      heatmapThreshold: 0.05,
    });
    expect(report).toMatchObject({ method: 'occlusion', slices: [slice] });
    const { runs } = await xaiState(page);
    const [run] = runs;
    const { picked, pixels: heatmap } = await sampleCanvas(page, slice);
    const { voxels } = picked;
    console.log(
      `${modality} slice ${slice}: ${report.passes} passes; sampled ${voxels.salient.length} salient, ` +
        `${voxels.faint.length} faint, ${voxels.air.length} air voxels with saliency`,
    );
    expect(voxels.salient.length).toBeGreaterThan(20);
    expect(voxels.faint.length).toBeGreaterThan(20);
    expect(voxels.air.length).toBeGreaterThan(20);
    // Hidden, the run shows nothing of ours: the reference pixels.
    await page.click('[data-cy="xai-run-visible"]');
    await waitForXaiState(page, (state) => state.currentRunId === undefined);
    const bare = await sampleCanvas(page, slice, picked);
    await page.click('[data-cy="xai-run-visible"]');
    await waitForXaiState(page, (state, id) => state.currentRunId === id, { arg: run.id });
    // The heatmap, not the levels: the levels labelmap stays hidden (Save as DICOM SEG saves it).
    expect(await levelsVisible(page, run.label)).toBe(false);
    expect(changedShare(bare.pixels.salient, heatmap.salient)).toBeGreaterThanOrEqual(0.95);
    expect(changedShare(bare.pixels.faint, heatmap.faint)).toBeGreaterThanOrEqual(0.95);
    expect(changedShare(bare.pixels.air, heatmap.air)).toBe(0);
    const colorBar = await page.locator('[data-cy="xai-colorbar-units"]').textContent();
    expect(colorBar).toContain('drop in the liver score');

    // Threshold 0.5: the faint voxels go (but a few beside a salient one: the heatmap is
    // interpolated, and a canvas pixel is not a voxel's centre), the salient stay.
    await page.locator('[data-cy="xai-threshold"]').fill('0.5');
    await waitForXaiState(page, (state) => state.settings.heatmapThreshold === 0.5);
    const thresholded = (await sampleCanvas(page, slice, picked)).pixels;
    expect(changedShare(bare.pixels.faint, thresholded.faint)).toBeLessThanOrEqual(0.03);
    expect(changedShare(bare.pixels.salient, thresholded.salient)).toBeGreaterThanOrEqual(0.95);
    // Opacity 0: nothing; 1: the salient voxels' colours change again.
    await page.locator('[data-cy="xai-opacity"]').fill('0');
    await waitForXaiState(page, (state) => state.settings.opacity === 0);
    expect(changedShare(bare.pixels.salient, (await sampleCanvas(page, slice, picked)).pixels.salient)).toBe(
      0,
    );
    await page.locator('[data-cy="xai-opacity"]').fill('1');
    await waitForXaiState(page, (state) => state.settings.opacity === 1);
    const opaque = (await sampleCanvas(page, slice, picked)).pixels;
    expect(changedShare(thresholded.salient, opaque.salient)).toBeGreaterThanOrEqual(0.9);

    // Levels: the labelmap shows instead; the heatmap's threshold is not the levels', so the faint
    // voxels are coloured again (in the levels' colours, which at opacity 1 equal the heatmap's at
    // the top of the map).
    await page.selectOption('[data-cy="xai-display"]', 'levels');
    await waitForXaiState(page, (state) => state.settings.display === 'levels');
    expect(await levelsVisible(page, run.label)).toBe(true);
    const levels = (await sampleCanvas(page, slice, picked)).pixels;
    expect(changedShare(bare.pixels.faint, levels.faint)).toBeGreaterThanOrEqual(0.95);
    await expect(page.locator('[data-cy="xai-colorbar"]').count()).resolves.toBe(0);
    await page.selectOption('[data-cy="xai-display"]', 'heatmap');
    await waitForXaiState(page, (state) => state.settings.display === 'heatmap');
    expect(await levelsVisible(page, run.label)).toBe(false);
    const heatmapAgain = (await sampleCanvas(page, slice, picked)).pixels;
    expect(changedShare(opaque.salient, heatmapAgain.salient)).toBe(0);
    expect(changedShare(bare.pixels.faint, heatmapAgain.faint)).toBeLessThanOrEqual(0.03);

    // The run list: hidden, then removed, the heatmap goes with the run.
    await page.click('[data-cy="xai-run-visible"]');
    await waitForXaiState(page, (state) => state.currentRunId === undefined);
    expect(changedShare(bare.pixels.salient, (await sampleCanvas(page, slice, picked)).pixels.salient)).toBe(
      0,
    );
    await page.click('[data-cy="xai-run-visible"]');
    await waitForXaiState(page, (state, id) => state.currentRunId === id, { arg: run.id });
    expect(changedShare(opaque.salient, (await sampleCanvas(page, slice, picked)).pixels.salient)).toBe(0);
    await page.click('[data-cy="xai-run-remove"]');
    await waitForXaiState(page, (state) => state.runs.length === 0);
    const removed = await page.evaluate(() => {
      const { services } = window as any;
      const viewport = services.cornerstoneViewportService.getCornerstoneViewport(
        services.viewportGridService.getActiveViewportId(),
      );
      return viewport.getActors().filter((entry: any) => entry.uid.startsWith('xai-clip-heatmap-')).length;
    });
    expect(removed).toBe(0);

    // The screenshot: the organ's mask ROI in 20 mm windows (coarse-to-fine), the default display.
    const fine = await runXaiCommand(page, commandNames.explain, {
      ...QUICK_OCCLUSION,
      roi: 'mask',
      windowMm: 20,
      strideMm: 10,
      coarseToFine: true,
      heatmapThreshold: 0.15,
      opacity: 0.5,
    });
    console.log(`${modality} screenshot run: ${fine.passes} passes, ${fine.explainMs} ms`);
    const panel = page.locator('[data-cy="xai-clip-panel"]');
    await panel.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await page.screenshot({ path: path.join(SCREENSHOTS, `viewer-heatmap-${modality.toLowerCase()}.png`) });
  });
});
