import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Page } from 'playwright-core';
import { dataRoot } from '../helpers/dataRoot';
import { readParametricMap } from '../seg/helpers/readParametricMap';
import { dciodvfy, readSeg } from '../seg/helpers/readSeg';
import { planeDigests, planeDigestsSource } from './helpers/planeDigests';
import {
  chaosLiverTruth,
  largestLiverSlice,
  openViewer,
  showStudy,
  ViewerSession,
} from './helpers/viewerSession';
import { commandNames } from '../../extension/src/id';
import { segmentationLabels, showSlice, waitForIdle } from './helpers/pageActions';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** scripts/pacs.js (plain CommonJS). */
interface Orthanc {
  url: string;
  dicomWebRoot: string;
  stop(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pacs = require('../../scripts/pacs.js') as {
  startOrthanc(options: { port: number; storage: string }): Promise<Orthanc>;
  uploadFolder(server: Orthanc, folder: string): Promise<{ studies: string[] }>;
  freePort(): Promise<number>;
  orthancMissing(): string | null;
};

const ROOT = path.join(__dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, 'build', 'screenshots');
const missing = pacs.orthancMissing();
if (missing) console.log(`Skipping the PACS round trip (DICOM SEG to Orthanc): ${missing}`);
const describeWithOrthanc = missing ? describe.skip : describe;

/** Modality and description of every SEG series Orthanc holds, as its QIDO-RS lists them. */
async function qidoSeries(orthanc: Orthanc): Promise<{ modality: string; description: string }[]> {
  const response = await fetch(`${orthanc.dicomWebRoot}/series?Modality=SEG`);
  const series = (await response.json()) as Record<string, { Value?: unknown[] }>[];
  return series.map((item) => ({
    modality: String(item['00080060'].Value?.[0]),
    description: String(item['0008103E']?.Value?.[0] ?? ''),
  }));
}

/**
 * Chooses what to save (default the SEG of the saliency levels), clicks Save, waits for the save to
 * end; returns the state and the downloaded file.
 */
async function saveSeg(
  page: Page,
  folder: string,
  content: 'saliency' | 'topk' | 'pmap' = 'saliency',
): Promise<{ state: any; file: string }> {
  await page.selectOption('[data-cy="xai-seg-content"]', content);
  const download = page.waitForEvent('download', { timeout: 60000 });
  await page.click('[data-cy="xai-save-seg"]');
  await waitForXaiState(page, (state) => !state.saving, { timeout: 60000 });
  const file = path.join(folder, (await download).suggestedFilename());
  await (await download).saveAs(file);
  const { message, messageDetails, messageTone, overlay } = await xaiState(page);
  return { state: { message, details: messageDetails, messageTone, overlay: overlay?.segmentationId }, file };
}

/** Clicks Save as DICOM SEG when it must refuse: the state after the save; no download happens. */
async function refusedSave(page: Page): Promise<any> {
  await page.selectOption('[data-cy="xai-seg-content"]', 'saliency');
  let downloaded = false;
  page.once('download', () => (downloaded = true));
  await page.click('[data-cy="xai-save-seg"]');
  await waitForXaiState(page, (state) => !state.saving, { timeout: 60000 });
  const { message, messageTone } = await xaiState(page);
  const panel = await page.evaluate(() => document.querySelector('[data-cy="xai-message"]')?.textContent);
  return { message, messageTone, panel, downloaded };
}

describeWithOrthanc('Save as DICOM SEG to a PACS (Orthanc), then reopen it (CHAOS CT, WASM)', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'xai-clip-pacs-e2e-'));
  const storage = path.join(folder, 'orthanc');
  let orthanc: Orthanc;
  let orthancPort: number;
  let session: ViewerSession;
  const truth = chaosLiverTruth();
  const slice = largestLiverSlice(truth);

  /** Explains the liver on the shown slice, quickly (60 mm windows every 60 mm over the predicted mask). */
  const explainQuickly = async (page: Page) => {
    await runXaiCommand(page, commandNames.explain, {
      organ: 'liver',
      method: 'occlusion',
      roi: 'mask',
      scope: 'slice',
      windowMm: 60,
      strideMm: 60,
    });
    return waitForIdle(page);
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    orthancPort = await pacs.freePort();
    orthanc = await pacs.startOrthanc({ port: orthancPort, storage });
    await pacs.uploadFolder(orthanc, path.join(dataRoot(), 'chaos-ct', 'dicom'));
    session = await openViewer({ pacs: orthanc });
    await showSlice(session.page, slice);
  });
  afterAll(async () => {
    await session?.close();
    await orthanc?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('opens the study from Orthanc, explains, saves a binary SEG that dciodvfy accepts and stores it there', async () => {
    const { page } = session;
    expect(await page.isDisabled('[data-cy="xai-save-seg"]')).toBe(true); // no result yet
    // Disabled buttons look disabled (Save: no result yet; Cancel: nothing runs).
    for (const button of ['xai-save-seg', 'xai-cancel']) {
      expect(await page.isDisabled(`[data-cy="${button}"]`)).toBe(true);
      expect(await page.$eval(`[data-cy="${button}"]`, (element) => getComputedStyle(element).opacity)).toBe(
        '0.4',
      );
    }
    await expect(page.locator('[data-cy="xai-seg-target"]').textContent()).resolves.toMatch(
      /stores it in Local Orthanc/,
    );
    expect(await explainQuickly(page)).toMatchObject({ status: 'done' });
    expect(await page.inputValue('[data-cy="xai-seg-content"]')).toBe('pmap'); // the default save
    expect(await page.locator('[data-cy="xai-seg-type"]').count()).toBe(0); // no SEG encoding to choose
    const { state, file } = await saveSeg(page, folder);
    console.log(`save: ${state.message} / ${state.details}`);
    expect(state.messageTone).toBe('success');
    expect(state.message).toBe('SEG downloaded and stored in Local Orthanc (npm run start:pacs).');
    expect(state.details).toMatch(/as a binary DICOM SEG \(\d+ frames\).*Stored in Local Orthanc/);
    // One line in the panel, the whole account behind "details".
    await expect(page.locator('[data-cy="xai-message"]').textContent()).resolves.toBe(state.message);
    await page.click('[data-cy="xai-message-details-toggle"]');
    await expect(page.locator('[data-cy="xai-message-details"]').textContent()).resolves.toBe(state.details);

    const verdict = dciodvfy(file);
    console.log(
      `dciodvfy on the viewer's SEG: ${verdict.errors.length} errors, warnings:\n${verdict.warnings.join('\n')}`,
    );
    expect(verdict.errors).toEqual([]);
    const { dataset, meta, frames } = readSeg(file);
    expect(meta.TransferSyntaxUID).toBe('1.2.840.10008.1.2.1');
    expect(dataset).toMatchObject({
      SOPClassUID: '1.2.840.10008.5.1.4.1.1.66.4',
      SeriesDescription: 'XAI-CLIP occlusion saliency liver',
      ContentLabel: 'SALIENCY',
    });
    expect(frames.length).toBeGreaterThan(0);

    expect(await qidoSeries(orthanc)).toContainEqual({
      modality: 'SEG',
      description: 'XAI-CLIP occlusion saliency liver',
    });
  });

  it('saves the top 5 % mask as a SEG that dciodvfy accepts, leaving the segmentation list as it was', async () => {
    const { page } = session;
    const labelsBefore = await segmentationLabels(page);
    const { state, file } = await saveSeg(page, folder, 'topk');
    expect(state.messageTone).toBe('success');
    expect(dciodvfy(file).errors).toEqual([]);
    const { dataset, frames } = readSeg(file);
    expect(dataset).toMatchObject({
      ContentLabel: 'SALIENCY_TOP',
      SeriesDescription: 'XAI-CLIP top 5 % occlusion liver',
    });
    // One slice explained: 5 % of its 512 × 512 voxels (fewer if fewer are salient), on one frame.
    expect(frames).toHaveLength(1);
    const marked = frames[0].pixels.reduce((sum, v) => sum + v, 0);
    expect(marked).toBeGreaterThan(0);
    expect(marked).toBeLessThanOrEqual(Math.round(0.05 * 512 * 512));
    expect(await segmentationLabels(page)).toEqual(labelsBefore);
  });

  it('lists the stored SEG after a reload and displays it over its series', async () => {
    const { page } = session;
    await showStudy(page, session.url, { survey: false });
    const segUid = await page.waitForFunction(
      () =>
        (window as any).services.displaySetService
          .getActiveDisplaySets()
          .find(
            (ds: any) =>
              ds.Modality === 'SEG' && /XAI-CLIP occlusion saliency liver/.test(ds.SeriesDescription),
          )?.displaySetInstanceUID,
      null,
      { timeout: 60000, polling: 500 },
    );
    const labels = await page.evaluate(
      async (uid) => {
        const w = window as any;
        const { displaySetService, segmentationService, viewportGridService } = w.services;
        const displaySet = displaySetService.getDisplaySetByUID(uid);
        await displaySet.load({ headers: {} });
        const viewportId = viewportGridService.getActiveViewportId();
        await segmentationService.addSegmentationRepresentation(viewportId, { segmentationId: uid });
        const segmentation = segmentationService.getSegmentation(uid);
        return Object.values(segmentation?.segments ?? {}).map((s: any) => s?.label);
      },
      await segUid.jsonValue(),
    );
    expect(labels[0]).toMatch(/^XAI-CLIP occlusion liver >= 0\.17$/);
    // Shown over its series in the active viewport.
    await page.waitForFunction(
      (uid) => {
        const { segmentationService, viewportGridService } = (window as any).services;
        return [...viewportGridService.getState().viewports.keys()].some((viewportId: string) =>
          segmentationService
            .getSegmentationRepresentations(viewportId)
            .some((r: any) => r.segmentationId === uid),
        );
      },
      await segUid.jsonValue(),
      { timeout: 30000, polling: 500 },
    );
    await page.waitForTimeout(2000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'viewer-seg-from-pacs.png') });
  });

  it('keeps the overlay and says so when the PACS rejects the SEG, and stores it on retry', async () => {
    const { page } = session;
    await showSlice(page, slice);
    await explainQuickly(page);
    await page.route('**/dicom-web/studies', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 409, contentType: 'text/plain', body: 'Conflict: instance refused' })
        : route.continue(),
    );
    const rejected = await saveSeg(page, folder);
    expect(rejected.state.messageTone).toBe('error');
    expect(rejected.state.details).toMatch(
      /Storing it in Local Orthanc.* failed: The DICOMweb server rejected the SEG: HTTP 409.*Server said: Conflict: instance refused\. The overlay is kept/,
    );
    expect(rejected.state.overlay).toBeDefined();
    await page.unroute('**/dicom-web/studies');
    expect((await saveSeg(page, folder)).state.details).toMatch(/Stored in Local Orthanc/);
  });

  it('says the PACS is unreachable when Orthanc is down, keeps the overlay, and stores once it is back', async () => {
    const { page } = session;
    await orthanc.stop();
    const down = await saveSeg(page, folder);
    expect(down.state.messageTone).toBe('error');
    expect(down.state.details).toMatch(/HTTP 502.*could not reach it; check that the PACS is running/);
    expect(down.state.overlay).toBeDefined();
    orthanc = await pacs.startOrthanc({ port: orthancPort, storage });
    expect((await saveSeg(page, folder)).state.details).toMatch(/Stored in Local Orthanc/);
  });

  it('saves the Parametric Map from the panel, stores it, and OHIF shows its values (its loader × 100) over the CT after a reload', async () => {
    const { page } = session;
    await showSlice(page, slice);
    expect(await explainQuickly(page)).toMatchObject({ status: 'done' });
    const { state, file } = await saveSeg(page, folder, 'pmap');
    console.log(`save: ${state.message} / ${state.details}`);
    expect(state.messageTone).toBe('success');
    expect(state.details).toMatch(/as a DICOM Parametric Map \(78 float32 frames\).*Stored in Local Orthanc/);
    expect(file).toMatch(/XAI-CLIP_occlusion_saliency_map_liver\.pmap\.dcm$/);
    expect(dciodvfy(file).errors).toEqual([]);

    // The viewer's saliency, per source image: digests of each plane's float bits.
    const shown = await page.evaluate(
      async ([name, source]) => {
        const w = window as any;
        const digests = new Function(source)();
        const result = await w.commandsManager.runCommand(name);
        const [nx, ny] = result.series.dimensions;
        return {
          sops: result.series.imageIds.map(
            (id: string) => w.cornerstone.metaData.get('instance', id).SOPInstanceUID,
          ),
          digests: digests(result.saliency, nx * ny) as string[],
          // OHIF 3.13's PMAP loader multiplies every value by 100 before it shows the map.
          shownDigests: digests(
            Float32Array.from(result.saliency, (v: number) => v * 100),
            nx * ny,
          ) as string[],
          nonZero: result.saliency.some((v: number) => v !== 0),
        };
      },
      [commandNames.getResult, planeDigestsSource] as const,
    );
    expect(shown.nonZero).toBe(true);
    const expected = new Map(shown.sops.map((sop: string, k: number) => [sop, shown.digests[k]]));
    const expectedInOhif = new Map(shown.sops.map((sop: string, k: number) => [sop, shown.shownDigests[k]]));

    // pydicom reads the downloaded file back to the same values, frame by frame.
    const { read, pixels } = readParametricMap(file);
    const fileDigests = planeDigests(pixels, read.shape[1] * read.shape[2]);
    expect(new Map(read.frames.map((frame, f) => [frame.source, fileDigests[f]]))).toEqual(expected);

    // Reloaded from Orthanc, OHIF lists the map and loads it over the CT volume: same values, same slices.
    await showStudy(page, session.url, { survey: false });
    await showSlice(page, slice);
    const pmapUid = await (
      await page.waitForFunction(
        () =>
          (window as any).services.displaySetService
            .getActiveDisplaySets()
            .find((ds: any) => ds.Modality === 'PMAP' && /saliency map liver/.test(ds.SeriesDescription))
            ?.displaySetInstanceUID,
        null,
        { timeout: 60000, polling: 500 },
      )
    ).jsonValue();
    await page.evaluate((uid) => {
      const { viewportGridService } = (window as any).services;
      viewportGridService.setDisplaySetsForViewport({
        viewportId: viewportGridService.getActiveViewportId(),
        displaySetInstanceUIDs: [uid],
      });
    }, pmapUid);
    await page.waitForFunction(
      (uid) => (window as any).cornerstone.cache.getVolume(uid)?.loadStatus?.loaded,
      pmapUid,
      {
        timeout: 60000,
        polling: 500,
      },
    );
    const loaded = await page.evaluate(
      ([uid, source]) => {
        const w = window as any;
        const digests = new Function(source)();
        const { cache, metaData } = w.cornerstone;
        const map = cache.getVolume(uid);
        const reference = cache.getVolume(
          w.services.displaySetService.getDisplaySetByUID(uid).getReferencedVolumeId(),
        );
        const [nx, ny] = map.dimensions;
        return {
          sops: reference.imageIds.map((id: string) => metaData.get('instance', id).SOPInstanceUID),
          digests: digests(map.voxelManager.getCompleteScalarDataArray(), nx * ny) as string[],
        };
      },
      [pmapUid, planeDigestsSource] as const,
    );
    expect(new Map(loaded.sops.map((sop: string, k: number) => [sop, loaded.digests[k]]))).toEqual(
      expectedInOhif,
    );
    // The viewport shows the map over the CT: go to the explained slice, the map's actor is there.
    const explainedSop = shown.sops[shown.digests.findIndex((digest: string) => digest !== shown.digests[0])];
    const actors = await page.evaluate(
      ([uid, sop]) => {
        const w = window as any;
        const { cornerstoneViewportService, viewportGridService, displaySetService } = w.services;
        const viewport = cornerstoneViewportService.getCornerstoneViewport(
          viewportGridService.getActiveViewportId(),
        );
        const reference = w.cornerstone.cache.getVolume(
          displaySetService.getDisplaySetByUID(uid).getReferencedVolumeId(),
        );
        const imageId = reference.imageIds.find(
          (id: string) => w.cornerstone.metaData.get('instance', id).SOPInstanceUID === sop,
        );
        viewport.setViewReference({
          FrameOfReferenceUID: viewport.getFrameOfReferenceUID(),
          referencedImageId: imageId,
        });
        viewport.render();
        return viewport.getActors().map((actor: any) => actor.referencedId);
      },
      [pmapUid, explainedSop] as const,
    );
    expect(actors).toContain(pmapUid);
    await page.waitForTimeout(2000);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'viewer-pmap-from-pacs.png') });
    // Back to the CT alone, as the next test expects it.
    await page.evaluate((uid) => {
      const { displaySetService, viewportGridService } = (window as any).services;
      viewportGridService.setDisplaySetsForViewport({
        viewportId: viewportGridService.getActiveViewportId(),
        displaySetInstanceUIDs: [
          displaySetService.getDisplaySetByUID(uid).getReferenceDisplaySet().displaySetInstanceUID,
        ],
      });
    }, pmapUid);
    await page.waitForFunction(
      () => {
        const { cornerstoneViewportService, viewportGridService } = (window as any).services;
        return cornerstoneViewportService.getCornerstoneViewport(viewportGridService.getActiveViewportId())
          ?.setImageIdIndex;
      },
      null,
      { timeout: 60000, polling: 500 },
    );
  });

  it('refuses when a source image is no longer loaded, with what to do', async () => {
    const { page } = session;
    await showSlice(page, slice);
    await explainQuickly(page);
    await page.evaluate(() => {
      const w = window as any;
      const { viewportGridService } = w.services;
      const uid = viewportGridService.getState().viewports.get(viewportGridService.getActiveViewportId())
        .displaySetInstanceUIDs[0];
      // One source image evicted, as the cache's own purge does when a large study fills it.
      const { imageIds } = w.cornerstone.cache.getVolume(`cornerstoneStreamingImageVolume:${uid}`);
      w.cornerstone.cache.removeImageLoadObject(imageIds[0], { force: true });
    });
    const refused = await refusedSave(page);
    expect(refused.panel).toMatch(
      /1 of the 78 source images of this series are not loaded.*Scroll through the series/,
    );
    expect(refused.downloaded).toBe(false);
  });
});
