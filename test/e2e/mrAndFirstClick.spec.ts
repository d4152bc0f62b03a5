import { mkdirSync } from 'fs';
import * as path from 'path';
import { commandNames } from '../../extension/src/id';
import { newestSaliencyLabels, segmentationLabels, showSlice, waitForIdle } from './helpers/pageActions';
import {
  chaosLiverTruth,
  chaosMrTruth,
  largestLiverSlice,
  openViewer,
  organPerSlice,
  ViewerSession,
  waitForSurvey,
} from './helpers/viewerSession';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SCREENSHOTS = path.join(__dirname, '..', '..', 'build', 'screenshots');

/** Share of top-level voxels inside the ground truth. */
function topBinInside(voxels: [number, number][], levels: number, truth: Uint8Array) {
  const top = voxels.filter(([, label]) => label === levels);
  return { share: top.length ? top.filter(([v]) => truth[v]).length / top.length : 0, count: top.length };
}

/** Dice of the model's predicted organ (the last run's mask) with the ground truth on slice k. */
async function predictedDice(session: ViewerSession, truth: Uint8Array, k: number): Promise<number> {
  const mask: number[] = await session.page.evaluate(
    ({ slice, getResult }) => {
      const { series, organMask } = (window as any).commandsManager.runCommand(getResult);
      const [nx, ny] = series.dimensions;
      return Array.from(organMask.subarray(slice * nx * ny, (slice + 1) * nx * ny) as Uint8Array);
    },
    { slice: k, getResult: commandNames.getResult },
  );
  const plane = mask.length;
  let both = 0;
  let sum = 0;
  for (let v = 0; v < plane; v++) {
    const t = truth[k * plane + v];
    both += mask[v] && t ? 1 : 0;
    sum += (mask[v] ? 1 : 0) + t;
  }
  return (2 * both) / sum;
}

/** Slice k as the viewport shows it, once its new-image event reached the panel. */
async function showSliceAndWait(session: ViewerSession, k: number): Promise<void> {
  await showSlice(session.page, k);
  await waitForXaiState(session.page, (state, slice) => state.currentSlice === slice, {
    arg: k,
    timeout: 20000,
  });
}

describe('XAI-CLIP on the CHAOS MR demo (T2-SPIR, WASM)', () => {
  let session: ViewerSession;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    session = await openViewer({ study: 'chaos-mr' });
  });
  afterAll(() => session?.close());

  it('opens on the slice where the model finds the most liver, shown anterior up', async () => {
    const { survey, currentSlice } = await xaiState(session.page);
    const voxels: number[] = survey.result.modelVoxels;
    expect(currentSlice).toBe(voxels.indexOf(Math.max(...voxels)));
    const truth = organPerSlice(await chaosMrTruth(1));
    expect(truth[currentSlice]).toBeGreaterThan(0);
    const { direction: orientation } = await runXaiCommand(session.page, commandNames.readActiveVolume);
    // Rows run from anterior to posterior (j towards +P in LPS): anterior is up.
    expect(orientation.slice(3, 6)).toEqual([0, 1, 0]);
  });

  it.each([
    ['liver', 1, 0.8],
    ['spleen', 4, undefined],
  ] as const)(
    'explains the %s on its largest slice: the top level lies in the CHAOS ground truth',
    async (organ, label, minDice) => {
      const { page } = session;
      const truth = await chaosMrTruth(label);
      const slice = largestLiverSlice(truth);
      await page.selectOption('[data-cy="xai-organ"]', organ);
      await waitForSurvey(page, organ);
      await showSliceAndWait(session, slice);
      const before = await segmentationLabels(page);
      await page.click('[data-cy="xai-explain"]');
      const state = await waitForIdle(page);
      expect(state).toMatchObject({ status: 'done', backend: 'wasm' });
      expect(state.report.slices).toEqual([slice]);
      const [run] = (await xaiState(page)).runs.slice(-1);
      expect(run.label).toMatch(new RegExp(`^XAI-CLIP occlusion ${organ}, slice \\d+, `));
      expect(await segmentationLabels(page)).toEqual([...before, run.label]);
      const { voxels, levels } = await newestSaliencyLabels(page);
      const { share, count } = topBinInside(voxels, levels, truth.data);
      const organDice = await predictedDice(session, truth.data, slice);
      console.log(
        `MR ${organ}, slice ${slice}: ${state.report.passes} passes, ${state.report.explainMs} ms, top level ${count} voxels, ` +
          `${(100 * share).toFixed(1)} % inside the ${organ}; predicted ${organ} Dice ${organDice.toFixed(3)}`,
      );
      expect(count).toBeGreaterThan(0);
      expect(share).toBeGreaterThanOrEqual(0.7);
      if (minDice !== undefined) expect(organDice).toBeGreaterThanOrEqual(minDice);
      await page.screenshot({ path: path.join(SCREENSHOTS, `viewer-mr-${organ}.png`) });
    },
  );

  it('asks first where the localiser sees liver that the model does not predict', async () => {
    const { page } = session;
    await page.selectOption('[data-cy="xai-organ"]', 'liver');
    await waitForSurvey(page, 'liver');
    const { modelVoxels, clipFraction, sliceVoxels } = (await xaiState(page)).survey.result;
    const slice = (modelVoxels as number[]).findIndex(
      (v, k) => v < 0.001 * sliceVoxels && clipFraction[k] >= 0.005,
    );
    expect(slice).toBeGreaterThanOrEqual(0);
    await showSliceAndWait(session, slice);
    const before = await segmentationLabels(page);
    await page.click('[data-cy="xai-explain"]');
    await expect(page.locator('[data-cy="xai-confirm"]').textContent()).resolves.toMatch(
      /The localiser finds liver here, but the model predicts none/,
    );
    expect((await xaiState(page)).status).not.toBe('running');
    expect(await segmentationLabels(page)).toEqual(before);
  });
});

describe('A first click that makes sense (CHAOS CT, WASM)', () => {
  let session: ViewerSession;
  const truth = chaosLiverTruth();
  const perSlice = organPerSlice(truth);
  /** Liver-free slices at heart level: CHAOS files 0–6 (volume slices 71–77). */
  const heart = perSlice.lastIndexOf(0);

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    session = await openViewer();
  });
  afterAll(() => session?.close());

  it('opens the study on a liver slice', async () => {
    const { currentSlice } = await xaiState(session.page);
    console.log(`CT opens on slice ${currentSlice}: ${perSlice[currentSlice]} ground-truth liver voxels`);
    expect(perSlice[currentSlice]).toBeGreaterThan(0.5 * Math.max(...perSlice));
  });

  it('holds a run on a slice without liver until confirmed, and goes to the liver in one click', async () => {
    const { page } = session;
    await showSliceAndWait(session, heart);
    await expect(page.locator('[data-cy="xai-organ-on-slice"]').textContent()).resolves.toMatch(
      /no liver here|likely a false positive/i,
    );
    const before = await segmentationLabels(page);
    await page.click('[data-cy="xai-explain"]');
    const question = await page.locator('[data-cy="xai-confirm"] > div').textContent();
    console.log(`Explain on slice ${heart}: "${question}"`);
    expect(question).toMatch(/Explain anyway\?/);
    expect((await xaiState(page)).status).not.toBe('running');
    expect(await segmentationLabels(page)).toEqual(before);
    await page
      .locator('[data-cy="xai-clip-panel"]')
      .screenshot({ path: path.join(SCREENSHOTS, 'panel-confirm.png') });

    await page.click('[data-cy="xai-go-to-organ"]');
    await waitForXaiState(page, (state, k) => state.currentSlice !== k, { arg: heart, timeout: 20000 });
    const { currentSlice, confirm, survey } = await xaiState(page);
    expect(confirm).toBeUndefined();
    expect(perSlice[currentSlice]).toBeGreaterThan(0);
    const shown = await page.evaluate(() => {
      const w = window as any;
      const viewport = w.services.cornerstoneViewportService.getCornerstoneViewport(
        w.services.viewportGridService.getActiveViewportId(),
      );
      return viewport.getCurrentImageId();
    });
    expect(survey.imageIds[currentSlice]).toBe(shown);
  });

  it('runs on the doubtful slice once the user says so', async () => {
    const { page } = session;
    await showSliceAndWait(session, heart);
    await page.fill('[data-cy="xai-window"]', '150');
    await page.fill('[data-cy="xai-stride"]', '150');
    await page.click('[data-cy="xai-explain"]');
    await page.click('[data-cy="xai-explain-anyway"]');
    const state = await waitForIdle(page);
    expect(state.status).toBe('done');
    expect(state.report.slices).toEqual([heart]);
  });
});
