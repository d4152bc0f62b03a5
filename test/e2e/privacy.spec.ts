import { mkdtempSync, rmSync, statSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Page } from 'playwright-core';
import { commandNames } from '../../extension/src/id';
import { openViewer, ViewerSession } from './helpers/viewerSession';
import { runXaiCommand, waitForXaiState, xaiState } from './helpers/xaiCommands';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A run of seconds on WASM (as heatmap.spec.ts's), with the default CLIP ROI. */
const QUICK_OCCLUSION = {
  method: 'occlusion',
  scope: 'slice',
  windowMm: 60,
  strideMm: 60,
  coarseToFine: false,
  confirmed: true,
};

/** Every URL the page asks for: its own requests and its workers', and WebSockets opened. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  page.on('websocket', (socket) => urls.push(socket.url()));
  return urls;
}

/**
 * The origins the page may reach: its own (the viewer, its models, the demo studies) and those of
 * the DICOMweb roots its data sources are configured with (none in the default set-up, whose
 * studies are dicomjson manifests on the viewer's origin).
 */
function allowedOrigins(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const roots = ((window as any).config.dataSources as { configuration?: Record<string, unknown> }[])
      .flatMap(({ configuration = {} }) =>
        ['qidoRoot', 'wadoRoot', 'wadoUriRoot', 'stowRoot'].map((key) => configuration[key]),
      )
      .filter((root): root is string => typeof root === 'string');
    return [...new Set([location.origin, ...roots.map((root) => new URL(root, location.href).origin)])];
  });
}

describe('Privacy: open → explain → save contacts only the viewer and its configured DICOMweb source', () => {
  let session: ViewerSession;
  let requests: string[] = [];
  const folder = mkdtempSync(path.join(os.tmpdir(), 'xai-privacy-'));

  beforeAll(async () => {
    // Recording starts before the page loads anything.
    session = await openViewer({ beforeOpen: (page) => (requests = recordRequests(page)) });
  });
  afterAll(async () => {
    await session?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('makes every request to the viewer’s own origin while a study is opened, explained and saved as a SEG', async () => {
    const { page } = session;
    const report = await runXaiCommand(page, commandNames.explain, QUICK_OCCLUSION);
    expect(report).toMatchObject({ method: 'occlusion' });
    await page.selectOption('[data-cy="xai-seg-content"]', 'saliency');
    const download = page.waitForEvent('download', { timeout: 60000 });
    await page.click('[data-cy="xai-save-seg"]');
    await waitForXaiState(page, (state) => !state.saving, { timeout: 60000 });
    const file = path.join(folder, (await download).suggestedFilename());
    await (await download).saveAs(file);
    expect(statSync(file).size).toBeGreaterThan(1000);
    expect((await xaiState(page)).messageTone).toBe('success');
    // Anything the page sends late (a beacon, a deferred upload) is recorded too.
    await page.waitForTimeout(2000);

    const seen = [...requests];
    const allowed = await allowedOrigins(page);
    const network = seen.filter((url) => !/^(data|blob):/.test(url));
    const elsewhere = network.filter((url) => !allowed.includes(new URL(url).origin));
    console.log(
      `privacy: ${network.length} requests (${seen.length - network.length} data:/blob: URLs) to ` +
        `${[...new Set(network.map((url) => new URL(url).origin))].join(', ')}; allowed ${allowed.join(', ')}; ` +
        `${elsewhere.length} elsewhere`,
    );
    expect(allowed).toEqual([new URL(session.url).origin]);
    expect(elsewhere).toEqual([]);
    // The recorder saw the whole flow: the app, the demo study's DICOM files and manifest, and the
    // model files the explain worker fetches.
    expect(network.some((url) => url.endsWith('/app-config.js'))).toBe(true);
    expect(network.some((url) => /\/demo\/chaos-ct\.json$/.test(url))).toBe(true);
    expect(network.filter((url) => /\/demo\/chaos-ct\/.+\.dcm/.test(url)).length).toBeGreaterThanOrEqual(78);
    expect(network.some((url) => /\/xai\/models\/chaos-ct-segformer\/segmenter\.onnx$/.test(url))).toBe(true);
    expect(network.some((url) => /\/xai\/models\/chaos-clip\/clip_image\.onnx$/.test(url))).toBe(true);
  });
});
