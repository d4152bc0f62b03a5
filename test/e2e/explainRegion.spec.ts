import { mkdirSync } from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { readDicomSeries } from '../../cli/src/io/readDicomSeries';
import { segmentVolume } from '../../extension/src/engine/explain/segmentVolume';
import { innermostVoxel } from '../../extension/src/engine/volume/innermostVoxel';
import { maskComponents } from '../../extension/src/engine/volume/maskComponents';
import { asFloat32 } from '../../extension/src/engine/volume/volumeUtils';
import { dataRoot } from '../helpers/dataRoot';
import { showSlice } from './helpers/pageActions';
import { openViewer, ViewerSession } from './helpers/viewerSession';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';
import { commandNames } from '../../extension/src/id';

/* eslint-disable @typescript-eslint/no-explicit-any */

const SCREENSHOTS = path.join(__dirname, '..', '..', 'build', 'screenshots');
const CT_MANIFEST = path.join(__dirname, '..', '..', 'models', 'chaos-ct-segformer', 'manifest.json');

/** A run of seconds on WASM: small windows in the piece's ROI. */
const QUICK_OCCLUSION = {
  method: 'occlusion',
  roi: 'mask',
  scope: 'slice',
  windowMm: 8,
  strideMm: 8,
  coarseToFine: false,
  display: 'heatmap',
  confirmed: true,
};

/** A detached piece of the model's liver: its slice, size and one voxel inside it (volume grid). */
interface Piece {
  slice: number;
  voxels: number;
  ml: number;
  inside: [number, number, number];
  box: { min: number[]; max: number[] };
}

/**
 * The largest piece of predicted liver that is not the main one on its slice, found by running
 * the CT model on the study in Node (onnxruntime-node, the CLI's reader): the kind of region a
 * reader asks about ("why is *this* liver?"). Its voxel nearest to the piece's centroid.
 */
async function detachedLiverPiece(): Promise<Piece> {
  const volume = await readDicomSeries(path.join(dataRoot(), 'chaos-ct', 'dicom'));
  const loaded = await loadModelFile(CT_MANIFEST);
  try {
    const liver = loaded.segmenter.classNames.indexOf('liver');
    const labels = (await segmentVolume(asFloat32(volume), loaded.segmenter)).data;
    const mask = Uint8Array.from(labels, (label) => (label === liver ? 1 : 0));
    const [nx, ny] = volume.dimensions;
    let best: Piece | undefined;
    for (let k = 0; k < volume.dimensions[2]; k++) {
      const second = maskComponents(mask, volume, [k, k + 1])[1];
      if (!second || (best && best.voxels >= second.voxels)) continue;
      const inside = innermostVoxel(second, nx, ny);
      best = {
        slice: k,
        voxels: second.voxels,
        ml: second.ml,
        inside: [inside % nx, Math.floor(inside / nx) % ny, k],
        box: second.box,
      };
    }
    if (!best)
      throw new Error('The CT model predicts one liver piece on every slice: no detached piece to explain.');
    return best;
  } finally {
    await loaded.dispose();
  }
}

/** Clicks the active viewport over voxel (i, j) of the image shown. */
async function clickVoxel(page: Page, [i, j]: [number, number, number]): Promise<void> {
  const point = await page.evaluate(
    ([column, row]) => {
      const { services } = window as any;
      const viewport = services.cornerstoneViewportService.getCornerstoneViewport(
        services.viewportGridService.getActiveViewportId(),
      );
      const world = viewport.getImageData().imageData.indexToWorld([column, row, 0]);
      const [x, y] = viewport.worldToCanvas(world);
      const box = viewport.element.getBoundingClientRect();
      return [box.left + x, box.top + y];
    },
    [i, j],
  );
  await page.mouse.click(point[0], point[1]);
}

describe('Explain a region: a detached piece of the predicted liver (CHAOS CT, WASM)', () => {
  let session: ViewerSession;
  let piece: Piece;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    piece = await detachedLiverPiece();
    console.log(`detached liver piece: slice ${piece.slice}, ${piece.voxels} voxels, at ${piece.inside}`);
    session = await openViewer();
    await showSlice(session.page, piece.slice);
    await waitForXaiState(session.page, (state, k) => state.currentSlice === k, { arg: piece.slice });
  });
  afterAll(() => session?.close());

  it('a click on the piece picks it; Explain explains that piece only, and the card says so', async () => {
    const { page } = session;
    await page.selectOption('[data-cy="xai-target"]', 'piece');
    // The pick list: the pieces on the slice shown, the detached one among them with its size.
    await page.click('[data-cy="xai-list-pieces"]');
    await page.waitForSelector('[data-cy="xai-piece-row"]');
    const rows = await page.locator('[data-cy="xai-piece-row"]').allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const listed = Number(/Piece 2 of \d+: ([\d,]+) pixels/.exec(rows[1])![1].replace(/,/g, ''));
    expect(Math.abs(listed - piece.voxels)).toBeLessThanOrEqual(Math.max(2, 0.02 * piece.voxels));
    await page.click('[data-cy="xai-pick-piece"]');
    await waitForXaiState(page, (state) => state.picking === true);
    await clickVoxel(page, piece.inside);
    await waitForXaiState(page, (state) => state.targetPick !== undefined);
    expect((await xaiState(page)).targetPick.slice).toBe(piece.slice);
    await expect(page.locator('[data-cy="xai-picked"]').textContent()).resolves.toMatch(
      /^Picked on image \d+/,
    );

    const report = await runXaiCommand(page, commandNames.explain, QUICK_OCCLUSION);
    expect(report).toMatchObject({ slices: [piece.slice], explainedTarget: { kind: 'component' } });
    // The worker's prediction (onnxruntime-web) finds the same piece as Node's, give or take an edge voxel.
    expect(Math.abs(report.explainedTarget.voxels - piece.voxels)).toBeLessThanOrEqual(
      Math.max(2, 0.02 * piece.voxels),
    );
    const card = await page.locator('[data-cy="xai-target-line"]').textContent();
    expect(card).toContain(report.targetLabel.replace(/_/g, ' '));
    console.log(`card: ${card}`);

    // The ROI follows the piece: it covers it.
    const { result } = await page.evaluate(
      (getResult) => ({ result: (window as any).commandsManager.runCommand(getResult).report.roi }),
      commandNames.getResult,
    );
    const roi = result.box;
    for (const axis of [0, 1]) {
      expect(roi.min[axis]).toBeLessThanOrEqual(piece.box.min[axis]);
      expect(roi.max[axis]).toBeGreaterThanOrEqual(piece.box.max[axis]);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, 'explain-region-ct.png') });
  });
});
