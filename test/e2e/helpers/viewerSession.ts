import * as path from 'path';
import { Browser, chromium, Page } from 'playwright-core';
import { readPngMaskFolder } from '../../../cli/src/io/readPngMaskFolder';
import { dataRoot } from '../../helpers/dataRoot';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { start } = require('../../../scripts/start.js') as {
  start(options: { port: number; build: boolean }): Promise<{ server: import('http').Server; url: string }>;
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
 * first image are shown.
 */
export async function openViewer(port: number, options: { webgpu?: boolean } = {}): Promise<ViewerSession> {
  const { server, url } = await start({ port, build: false });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: options.webgpu ? [...BASE_ARGS, '--enable-unsafe-webgpu'] : BASE_ARGS,
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on('pageerror', (error) => console.log(`[pageerror] ${error.message}`));
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
