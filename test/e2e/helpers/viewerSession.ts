import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { readPngMaskFolder } from '../../../cli/src/io/readPngMaskFolder';
import { dataRoot } from '../../helpers/dataRoot';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { start } = require('../../../scripts/start.js') as {
  start(options: {
    port: number;
    build: boolean;
    pacs?: { url: string };
  }): Promise<{ server: import('http').Server; url: string; pacsUrl?: string }>;
};

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
  close(): Promise<void>;
}

/**
 * Serves the built viewer (run `npm run build:web` first; the e2e script does) and opens the
 * CHAOS CT demo study in XAI-CLIP mode in Debian's Chromium, waiting until the panel and the
 * first image are shown. With `pacs` (a running Orthanc holding the study), the study is opened
 * from that PACS through the server's /dicom-web proxy instead of the dicomjson manifest.
 */
export async function openViewer(
  port: number,
  options: { webgpu?: boolean; pacs?: { url: string } } = {},
): Promise<ViewerSession> {
  const started = await start({ port, build: false, pacs: options.pacs });
  const { server } = started;
  const url = started.pacsUrl ?? started.url;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: options.webgpu ? [...BASE_ARGS, '--enable-unsafe-webgpu'] : BASE_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on('pageerror', (error) => console.log(`[pageerror] ${error.message}`));
  await showStudy(page, url);
  return {
    browser,
    page,
    url,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Opens (or reloads) a study URL and waits until the panel and a rendered viewport are shown. */
export async function showStudy(page: Page, url: string): Promise<void> {
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
}

/** CHAOS CT liver ground truth on the viewer's volume grid (slice k = PNG file 77 − k). */
export function chaosLiverTruth(): { data: Uint8Array; dims: [number, number, number] } {
  const order = Array.from({ length: 78 }, (_, k) => 77 - k);
  const mask = readPngMaskFolder(path.join(dataRoot(), 'chaos-ct', 'liver-gt'), undefined, order);
  return { data: mask.data, dims: mask.dimensions };
}

/** The slice (volume order) with the most ground-truth liver. */
export function largestLiverSlice(truth: { data: Uint8Array; dims: [number, number, number] }): number {
  const plane = truth.dims[0] * truth.dims[1];
  let best = 0;
  let bestCount = -1;
  for (let k = 0; k < truth.dims[2]; k++) {
    let count = 0;
    for (let v = k * plane; v < (k + 1) * plane; v++) count += truth.data[v];
    if (count > bestCount) [best, bestCount] = [k, count];
  }
  return best;
}
