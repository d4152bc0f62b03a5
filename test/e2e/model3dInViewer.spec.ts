import { readFileSync } from 'fs';
import * as path from 'path';
import { commandNames } from '../../extension/src/id';
import { newestSaliencyLabels, showSlice, viewerSliceNumber, waitForIdle } from './helpers/pageActions';
import { chaosLiverTruth, openViewer, organPerSlice, ViewerSession } from './helpers/viewerSession';
import { runXaiCommand } from './helpers/xaiCommands';

const MANIFEST = path.join(__dirname, '..', 'fixtures', 'models', 'local3d_2ch.manifest.json');
/** Slices of the network input of the tiny 3-D model (the whole volume is resized to them). */
const NETWORK_SLICES: number = JSON.parse(readFileSync(MANIFEST, 'utf8')).segmenter.size.shape[0];

/**
 * The slices the network reads with a weight of at least ½ when it resizes `nz` slices to its own
 * (the half-pixel linear resampling of `resampleLinear`): those an explanation of one slice can move.
 */
function networkReadSlices(nz: number): number[] {
  return Array.from({ length: NETWORK_SLICES }, (_, d) =>
    Math.round(Math.min(nz - 1, Math.max(0, ((d + 0.5) * nz) / NETWORK_SLICES - 0.5))),
  );
}

describe('A 3-D model resized from the whole volume, in the viewer (CHAOS CT, WASM)', () => {
  let session: ViewerSession;
  const truth = chaosLiverTruth();
  const liver = organPerSlice(truth);
  // The network's slice with the most ground-truth liver.
  const slice = networkReadSlices(truth.dims[2]).reduce((best, k) => (liver[k] > liver[best] ? k : best));

  beforeAll(async () => {
    session = await openViewer({
      xaiClip: { models: [{ url: '/xai/fixtures/local3d_2ch.manifest.json', modalities: ['CT'] }] },
    });
    await showSlice(session.page, slice);
  });
  afterAll(() => session?.close());

  it('explains the liver on the shown slice: the report, the ROI and the overlay refer to that slice', async () => {
    const { page } = session;
    await runXaiCommand(page, commandNames.explain, {
      organ: 'liver',
      method: 'rise',
      roi: 'mask',
      scope: 'slice',
      samples: 60,
      confirmed: true,
    });
    const state = await waitForIdle(page);
    expect(state).toMatchObject({ status: 'done', backend: 'wasm' });
    const { report } = state;
    const [nx, ny] = truth.dims;
    expect(report.model).toBe('local-3d-two-windows');
    expect(report.slices).toEqual([slice]);
    expect(report.roi.box.min[2]).toBe(slice);
    expect(report.roi.box.max[2]).toBe(slice + 1);
    expect(report.roi.fraction).toBeCloseTo(report.roi.voxels / (nx * ny), 10);
    // The liver's score on this slice, with the rest of the slice outside the ROI replaced (the
    // other slices kept): not the whole volume's, which lost everything (1.000).
    expect(report.outsideRoiDrop).toBeLessThan(0.5);
    // The card numbers the slice as the viewport's overlay does.
    const [number, count] = await viewerSliceNumber(page);
    await expect(page.locator('[data-cy="xai-slices"]').textContent()).resolves.toBe(
      `Slice ${number} of ${count}`,
    );
    const { voxels, levels } = await newestSaliencyLabels(page);
    const plane = nx * ny;
    expect(voxels.length).toBeGreaterThan(0);
    expect(voxels.every(([v]) => Math.floor(v / plane) === slice)).toBe(true);
    const top = voxels.filter(([, label]) => label === levels);
    const inside = top.filter(([v]) => truth.data[v]).length / top.length;
    console.log(
      `3-D model, slice ${slice}: ${report.passes} passes, ${report.explainMs} ms, ` +
        `top level ${top.length} voxels, ${(100 * inside).toFixed(1)} % inside the liver, outside-ROI drop ${report.outsideRoiDrop.toFixed(3)}`,
    );
    expect(inside).toBeGreaterThanOrEqual(0.5);
  });
});
