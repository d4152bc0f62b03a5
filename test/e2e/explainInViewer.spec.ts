import { mkdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { chaosLiverTruth, largestLiverSlice, openViewer, ViewerSession } from './helpers/viewerSession';
import { commandNames } from '../../extension/src/id';
import { newestSaliencyLabels, segmentationLabels, showSlice, waitForIdle } from './helpers/pageActions';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SCREENSHOTS = path.join(__dirname, '..', '..', 'build', 'screenshots');
/** The CLIP ROI when the bundled CT model ships a CLIP part, else the predicted mask. */
const ROI_MODE = JSON.parse(
  readFileSync(path.join(__dirname, '..', '..', 'models', 'chaos-ct-segformer', 'manifest.json'), 'utf8'),
).clip
  ? 'clip'
  : 'mask';

/** Share of top-level voxels that lie inside the liver ground truth. */
function topBinInsideLiver(
  voxels: [number, number][],
  levels: number,
  truth: Uint8Array,
): { share: number; count: number } {
  const top = voxels.filter(([, label]) => label === levels);
  const inside = top.filter(([v]) => truth[v]).length;
  return { share: top.length ? inside / top.length : 0, count: top.length };
}

describe('XAI-CLIP in OHIF 3.13.2 (CHAOS CT, WASM)', () => {
  let session: ViewerSession;
  const truth = chaosLiverTruth();
  const slice = largestLiverSlice(truth);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    session = await openViewer();
    await showSlice(session.page, slice);
  });
  afterAll(() => session?.close());

  it('explains the liver from the panel: ROI-guided occlusion on the current slice lands in the liver', async () => {
    const { page } = session;
    const before = await segmentationLabels(page);
    await page.selectOption('[data-cy="xai-organ"]', 'liver');
    await page.selectOption('[data-cy="xai-method"]', 'occlusion');
    await page.selectOption('[data-cy="xai-roi"]', ROI_MODE);
    await page.selectOption('[data-cy="xai-scope"]', 'slice');
    // 30 mm windows every 15 mm keep a WASM run on a 512² slice well under a minute.
    await page.fill('[data-cy="xai-window"]', '30');
    await page.fill('[data-cy="xai-stride"]', '15');
    // Its cost before the click: the passes, and no time before this model's first run.
    await waitForXaiState(page, (state) => state.cost?.passes > 0 && state.settings.windowMm === 30, {
      timeout: 180000,
    });
    // The estimate follows the last keystroke 150 ms later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { cost } = await xaiState(page);
    await expect(page.locator('[data-cy="xai-cost"]').textContent()).resolves.toBe(
      `≈ ${cost.passes.toLocaleString('en-US')} passes; the time is known after the first run`,
    );
    await page.click('[data-cy="xai-explain"]');
    await page.waitForSelector('[data-cy="xai-progress"]', { timeout: 60000 });
    // Progressive: the ROI is known when the method's stage starts; a running map follows.
    await waitForXaiState(
      page,
      (s) => s.status !== 'running' || /^(Coarse-to-fine occlusion|Occlusion) of/.test(s.stage ?? ''),
      {
        timeout: 120000,
        polling: 50,
      },
    );
    const roiKnown = Date.now();
    await waitForXaiState(page, (s) => s.status !== 'running' || s.partialUpdates > 0, {
      timeout: 60000,
      polling: 50,
    });
    const firstMapMs = Date.now() - roiKnown;
    const refining = await waitForRefiningOverlay(page);
    const state = await waitForIdle(page);
    expect(state).toMatchObject({ status: 'done', backend: 'wasm' });
    const { partialUpdates } = await xaiState(page);
    console.log(`first running map ${firstMapMs} ms after the ROI; ${partialUpdates} running maps`);
    expect(refining).toBe(true);
    expect(firstMapMs).toBeLessThan(2000);
    expect(partialUpdates).toBeGreaterThan(1);
    expect(state.report.slices).toEqual([slice]);
    // The default ROI is the organ's region, smaller than its bounding box.
    expect(state.report.roi.shape).toBe('mask');
    const [i0, j0] = state.report.roi.box.min;
    const [i1, j1] = state.report.roi.box.max;
    expect(state.report.roi.voxels).toBeLessThan((i1 - i0) * (j1 - j0));
    const after = await segmentationLabels(page);
    // Named after the run: the slice as the viewport overlay numbers it (the stack runs against k).
    const [{ label }] = (await xaiState(page)).runs.slice(-1);
    expect(after).toEqual([...before, label]);
    expect(label).toMatch(/^XAI-CLIP occlusion liver, slice \d+, \d\d:\d\d$/);
    const { voxels, levels } = await newestSaliencyLabels(page);
    const { share, count } = topBinInsideLiver(voxels, levels, truth.data);
    console.log(
      `panel run: ${state.report.passes} passes, ${state.report.explainMs} ms, top bin ${count} voxels, ${(100 * share).toFixed(1)} % inside the liver`,
    );
    expect(count).toBeGreaterThan(0);
    expect(share).toBeGreaterThanOrEqual(0.7);
    // The card says how much the model relies on what the ROI left out (one more pass).
    expect(typeof state.report.outsideRoiDrop).toBe('number');
    console.log(`estimated ${cost.passes} passes before the run`);
    expect(Math.abs(state.report.passes - cost.passes) / state.report.passes).toBeLessThan(0.25);
    await expect(page.locator('[data-cy="xai-outside-roi"]').textContent()).resolves.toMatch(
      /^Outside the ROI: replacing it (lowers|raises) the liver score by \d+\.\d %/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'viewer-occlusion-liver.png') });
    await page
      .locator('[data-cy="xai-clip-panel"]')
      .screenshot({ path: path.join(SCREENSHOTS, 'panel.png') });
  });

  it('runs the same from the toolbar button with the panel settings', async () => {
    const { page } = session;
    const before = await segmentationLabels(page);
    await page.click('[data-cy="XaiExplain"]');
    const state = await waitForIdle(page);
    expect(state.status).toBe('done');
    expect(await segmentationLabels(page)).toHaveLength(before.length + 1);
    const { voxels, levels } = await newestSaliencyLabels(page);
    expect(topBinInsideLiver(voxels, levels, truth.data).share).toBeGreaterThanOrEqual(0.7);
  });

  it('outlines the ROI region on request and removes the outline again, leaving the rest', async () => {
    const { page } = session;
    const before = await segmentationLabels(page);
    await page.check('[data-cy="xai-show-roi"]');
    await waitForXaiState(page, (state) => state.roiOverlay !== undefined);
    const [run] = (await xaiState(page)).runs.slice(-1);
    expect(await segmentationLabels(page)).toEqual([...before, `${run.label} · ROI (${ROI_MODE})`]);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'viewer-roi-outline.png') });
    await page.uncheck('[data-cy="xai-show-roi"]');
    await waitForXaiState(page, (state) => state.roiOverlay === undefined);
    expect(await segmentationLabels(page)).toEqual(before);
  });

  it('asks before a whole-slab run, then cancels it within two seconds and leaves no overlay', async () => {
    const { page } = session;
    const before = await segmentationLabels(page);
    await page.selectOption('[data-cy="xai-scope"]', 'slab');
    // Every slice (the default stride perturbs every 8th and may finish within two minutes).
    await page.selectOption('[data-cy="xai-slice-stride"]', '1');
    // Timed at the speed the slice runs measured: far over two minutes, so the button says so and asks.
    await waitForXaiState(page, (state) => state.cost?.ms > 120000);
    await expect(page.locator('[data-cy="xai-cost"]').textContent()).resolves.toMatch(
      /^≈ [\d,]+ passes, ≈ (\d+ h )?\d+ min/,
    );
    await expect(page.locator('[data-cy="xai-explain"]').textContent()).resolves.toMatch(
      /^Explain \(≈ .+\)…$/,
    );
    await page.click('[data-cy="xai-explain"]');
    await expect(page.locator('[data-cy="xai-confirm"]').textContent()).resolves.toMatch(
      /This run takes ≈ [\d,]+ passes, ≈ .+ \(measured on wasm\)\. Explain anyway\?/,
    );
    expect((await xaiState(page)).status).not.toBe('running');
    await page.click('[data-cy="xai-explain-anyway"]');
    await waitForXaiState(page, (state) => (state.progress?.done ?? 0) > 0, { timeout: 120000 });
    const clicked = Date.now();
    await page.click('[data-cy="xai-cancel"]');
    const state = await waitForIdle(page, 10000);
    expect(Date.now() - clicked).toBeLessThan(5000); // a model call in flight finishes first (0.1–1 s)
    expect(state.status).toBe('cancelled');
    expect(await segmentationLabels(page)).toEqual(before);
    await page.selectOption('[data-cy="xai-scope"]', 'slice');
  });

  it('refuses a second Explain while one runs', async () => {
    const { page } = session;
    const second = await page.evaluate(async (explain) => {
      const { commandsManager } = window as any;
      const first = commandsManager.runCommand(explain, { windowMm: 60, strideMm: 60 });
      const refused = await commandsManager.runCommand(explain);
      await first;
      return refused;
    }, commandNames.explain);
    expect(second).toBeUndefined();
  });

  it.each([
    ['an organ the model does not know', { organ: 'pancreas' }, /does not know the organ "pancreas"/],
  ])('reports %s in the panel and changes nothing', async (_, overrides, message) => {
    const { page } = session;
    const before = await segmentationLabels(page);
    await runXaiCommand(page, commandNames.explain, overrides);
    const state = await waitForIdle(page);
    expect(state.status).toBe('error');
    expect(state.message).toMatch(message);
    await expect(page.locator('[data-cy="xai-message"]').textContent()).resolves.toMatch(message);
    expect(await segmentationLabels(page)).toEqual(before);
  });

  it('paints running maps, and its final map equals a run without them bit for bit (coarse-to-fine)', async () => {
    const { page } = session;
    const settings = {
      organ: 'liver',
      method: 'occlusion',
      roi: 'mask',
      scope: 'slice',
      windowMm: 30,
      strideMm: 15,
      coarseToFine: true,
      confirmed: true,
    };
    // The same settings twice, the app's runningMaps switch on and then off; SHA-256 of each final map.
    const runs = await page.evaluate(
      async ({ overrides, commands }) => {
        const { commandsManager, config } = window as any;
        const run = async (runningMaps: boolean) => {
          config.xaiClip.runningMaps = runningMaps;
          await commandsManager.runCommand(commands.explain, overrides);
          const { status, partialUpdates } = commandsManager.runCommand(commands.getState);
          const { saliency } = commandsManager.runCommand(commands.getResult);
          const bytes = new Uint8Array(saliency.buffer, saliency.byteOffset, saliency.byteLength);
          const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
          const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
          let nonZero = 0;
          for (const value of saliency as Float32Array) if (value !== 0) nonZero++;
          return { status, partialUpdates, sha256, nonZero };
        };
        try {
          return [await run(true), await run(false)];
        } finally {
          delete config.xaiClip.runningMaps;
        }
      },
      { overrides: { ...settings, slice }, commands: commandNames },
    );
    console.log(`running maps on/off: ${JSON.stringify(runs)}`);
    const [progressive, plain] = runs;
    expect(progressive).toMatchObject({ status: 'done' });
    expect(progressive.partialUpdates).toBeGreaterThan(1);
    expect(plain).toMatchObject({ status: 'done', partialUpdates: 0 });
    expect(progressive.nonZero).toBeGreaterThan(0);
    expect(plain.sha256).toBe(progressive.sha256);
  });

  it('reports a model URL that fails to load', async () => {
    const { page } = session;
    const before = await segmentationLabels(page);
    // The extension reads the app's configuration at each run.
    const state = await page.evaluate(
      async ({ explain, getState }) => {
        const { commandsManager, config } = window as any;
        const { models } = config.xaiClip;
        config.xaiClip.models = models.map((m: any) => ({ ...m, url: '/xai/models/missing/manifest.json' }));
        await commandsManager.runCommand(explain);
        config.xaiClip.models = models;
        const { status, message } = commandsManager.runCommand(getState);
        return { status, message };
      },
      { explain: commandNames.explain, getState: commandNames.getState },
    );
    expect(state.status).toBe('error');
    expect(state.message).toMatch(/could not be loaded \(HTTP 404\)/);
    expect(await segmentationLabels(page)).toEqual(before);
  });
});

/** Whether the '(refining)' overlay showed while the run went on (polled until the run ends). */
async function waitForRefiningOverlay(page: ViewerSession['page']): Promise<boolean> {
  for (;;) {
    if ((await segmentationLabels(page)).includes('XAI-CLIP occlusion (refining) liver')) return true;
    if ((await xaiState(page)).status !== 'running') return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
