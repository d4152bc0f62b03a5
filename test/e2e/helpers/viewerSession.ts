import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { readNifti } from '../../../cli/src/io/readNifti';
import { readPngMaskFolder } from '../../../cli/src/io/readPngMaskFolder';
import { reorientVolume } from '../../../extension/src/engine/volume/reorient';
import { dataRoot } from '../../helpers/dataRoot';
import { waitForXaiState, xaiState } from './xaiCommands';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { start, DEMO_MR_SUBJECT } = require('../../../scripts/start.js') as {
  DEMO_MR_SUBJECT: number;
  start(options: {
    port: number;
    build: boolean;
    pacs?: { url: string };
    studies?: Record<string, string>;
    xaiClip?: object;
  }): Promise<{
    server: import('http').Server;
    url: string;
    mrUrl: string;
    pacsUrl?: string;
    studyUrls: Record<string, string>;
  }>;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePort } = require('../../../scripts/pacs.js') as { freePort(): Promise<number> };

const BASE_ARGS = [
  '--no-sandbox',
  '--headless=new',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ViewerSession {
  browser: Browser;
  page: Page;
  url: string;
  /** Links of every served study by name (chaos-ct, chaos-mr and the `studies` asked for). */
  studyUrls: Record<string, string>;
  close(): Promise<void>;
}

/** What openViewer opens and how (see there). */
export interface ViewerOptions {
  webgpu?: boolean;
  pacs?: { url: string };
  study?: string;
  studies?: Record<string, string>;
  xaiClip?: object;
  beforeOpen?: (page: Page) => void;
}

/**
 * Serves the built viewer (run `npm run build:web` first; the e2e script does) on a free port
 * (so that the suites pass while `npm start` holds 3000; a port number first still fixes it) and
 * opens a demo study in XAI-CLIP mode in Debian's Chromium (the CHAOS CT study unless `study`
 * names another, e.g. 'chaos-mr' or one of `studies`), waiting until the panel, the first image
 * and the organ survey are done. With `pacs` (a running Orthanc holding the study), the CT study is
 * opened from that PACS through the server's /dicom-web proxy instead of the dicomjson manifest.
 * With `webgpu`, the survey runs on WASM: SwiftShader's WebGPU takes 10–30 s a pass. `xaiClip`
 * overrides keys of the app's window.config.xaiClip (e.g. `models`: the manifests the viewer
 * uses). `beforeOpen` runs on the new page before it loads anything (e.g. to record requests).
 */
export async function openViewer(
  portOrOptions: number | ViewerOptions = {},
  options: ViewerOptions = typeof portOrOptions === 'number' ? {} : portOrOptions,
): Promise<ViewerSession> {
  const port = typeof portOrOptions === 'number' ? portOrOptions : await freePort();
  const started = await start({
    port,
    build: false,
    pacs: options.pacs,
    studies: options.studies,
    xaiClip: { ...(options.webgpu && { survey: { executionProviders: ['wasm'] } }), ...options.xaiClip },
  });
  const { server } = started;
  const url = options.study ? started.studyUrls[options.study] : (started.pacsUrl ?? started.url);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: options.webgpu ? [...BASE_ARGS, '--enable-unsafe-webgpu'] : BASE_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on('pageerror', (error) => console.log(`[pageerror] ${error.message}`));
  options.beforeOpen?.(page);
  await showStudy(page, url);
  return {
    browser,
    page,
    url,
    studyUrls: started.studyUrls,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Opens (or reloads) a study URL and waits until the panel and a rendered viewport are shown,
 * and (unless `survey` is false) the organ survey of the shown series.
 */
export async function showStudy(page: Page, url: string, { survey = true } = {}): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('[data-cy="xai-clip-panel"]', { timeout: 90000 });
  await page.waitForFunction(
    () => {
      const engines =
        (
          window as unknown as {
            cornerstone: { getRenderingEngines(): { getViewports(): { viewportStatus?: string }[] }[] };
          }
        ).cornerstone?.getRenderingEngines?.() ?? [];
      return engines.some((engine) =>
        engine.getViewports().some((viewport) => viewport.viewportStatus === 'rendered'),
      );
    },
    null,
    { timeout: 90000 },
  );
  // OHIF's "investigational use" banner covers the bottom of the viewport and of the side panels.
  const confirm = page.locator('[data-cy="confirm-and-hide-button"]');
  if (await confirm.isVisible()) await confirm.click();
  if (survey) await waitForSurvey(page);
}

/** Waits until the panel's organ survey of the shown series (for `organ`, if given) is done or failed. */
export async function waitForSurvey(
  page: Page,
  organ?: string,
): Promise<{ organ: string; error?: string; currentSlice: number }> {
  await waitForXaiState(
    page,
    ({ survey }, wanted) =>
      Boolean((survey?.result || survey?.error) && (!wanted || survey.organ === wanted)),
    { arg: organ, timeout: 180000, polling: 500 },
  );
  const { survey, currentSlice } = await xaiState(page);
  return { organ: survey.organ, error: survey.error, currentSlice };
}

/** CHAOS CT liver ground truth on the viewer's volume grid (slice k = PNG file 77 − k). */
export function chaosLiverTruth(): { data: Uint8Array; dims: [number, number, number] } {
  const order = Array.from({ length: 78 }, (_, k) => 77 - k);
  const mask = readPngMaskFolder(path.join(dataRoot(), 'chaos-ct', 'liver-gt'), undefined, order);
  return { data: mask.data, dims: mask.dimensions };
}

/** The slice (volume order) with the most ground-truth liver (or organ: non-zero voxels). */
export function largestLiverSlice(truth: { data: Uint8Array; dims: [number, number, number] }): number {
  const counts = organPerSlice(truth);
  return counts.indexOf(Math.max(...counts));
}

/** Ground-truth voxels per slice. */
export function organPerSlice(truth: { data: Uint8Array; dims: [number, number, number] }): number[] {
  const plane = truth.dims[0] * truth.dims[1];
  return Array.from({ length: truth.dims[2] }, (_, k) => {
    let count = 0;
    for (let v = k * plane; v < (k + 1) * plane; v++) count += truth.data[v] ? 1 : 0;
    return count;
  });
}

/**
 * CHAOS MR ground truth of the MR demo subject for one label (1 liver, 2 right kidney, 3 left
 * kidney, 4 spleen) on the viewer's grid: the NIfTI labels in the LPS order `npm start` converts
 * the image to.
 */
export async function chaosMrTruth(
  label: number,
): Promise<{ data: Uint8Array; dims: [number, number, number] }> {
  const labels = reorientVolume(
    await readNifti(path.join(dataRoot(), 'chaos-mr-t2', `label_${DEMO_MR_SUBJECT}.nii.gz`)),
    'LPS',
  );
  return { data: Uint8Array.from(labels.data, (v) => (v === label ? 1 : 0)), dims: labels.dimensions };
}
