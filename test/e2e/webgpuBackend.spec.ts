import { chaosLiverTruth, largestLiverSlice, openViewer, ViewerSession } from './helpers/viewerSession';
import { commandNames } from '../../extension/src/id';
import { newestSaliencyLabels, showSlice, waitForIdle } from './helpers/pageActions';
import { runXaiCommand } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * WebGPU path on Chromium's software adapter (SwiftShader): correct but slow (about 10–30 s per
 * forward pass of the CT segmenter on 2 cores), so a tiny run — four 150 mm occlusion windows
 * over the predicted mask's region on one slice, with the baseline, the outside superpixels
 * (2.25 × 150 mm: one or two) and the outside-ROI check about 7 passes — compared with the
 * same run on WASM.
 */
describe('XAI-CLIP on WebGPU (SwiftShader, --enable-unsafe-webgpu)', () => {
  let session: ViewerSession;
  const slice = largestLiverSlice(chaosLiverTruth());
  const tiny = {
    organ: 'liver',
    method: 'occlusion',
    roi: 'mask',
    scope: 'slice',
    windowMm: 150,
    strideMm: 150,
  };

  beforeAll(async () => {
    session = await openViewer({ webgpu: true });
    await showSlice(session.page, slice);
  });
  afterAll(() => session?.close());

  it('reports WebGPU and gives the WASM saliency (same binned level at ≥ 99 % of voxels)', async () => {
    const { page } = session;
    await runXaiCommand(page, commandNames.explain, tiny);
    const gpu = await waitForIdle(page, 840000);
    expect(gpu).toMatchObject({ status: 'done', backend: 'webgpu' });
    await expect(page.locator('[data-cy="xai-backend"]').textContent()).resolves.toMatch(/WebGPU/);
    const gpuLabels = await newestSaliencyLabels(page);

    // The extension reads the app's configuration at each run.
    await page.evaluate(() => ((window as any).config.xaiClip.executionProviders = ['wasm']));
    // Confirmed: the cost before the click is timed at the last run's speed, SwiftShader's, and
    // may ask before a run it expects to take over two minutes.
    await runXaiCommand(page, commandNames.explain, { ...tiny, confirmed: true });
    const cpu = await waitForIdle(page);
    expect(cpu).toMatchObject({ status: 'done', backend: 'wasm' });
    const cpuLabels = await newestSaliencyLabels(page);

    const gpuMap = new Map(gpuLabels.voxels);
    const cpuMap = new Map(cpuLabels.voxels);
    const all = new Set([...gpuMap.keys(), ...cpuMap.keys()]);
    let same = 0;
    for (const v of all) if ((gpuMap.get(v) ?? 0) === (cpuMap.get(v) ?? 0)) same++;
    console.log(
      `WebGPU vs WASM: ${gpu.report.passes} passes; ${all.size} salient voxels, ${(100 * same) / all.size}% same level`,
    );
    expect(all.size).toBeGreaterThan(0);
    expect(same / all.size).toBeGreaterThanOrEqual(0.99);
  }, 900000);
});
