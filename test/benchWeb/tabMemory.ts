import { readFileSync } from 'fs';
import { Browser } from 'playwright-core';

/** The tab's memory: its renderer process (main thread, the explanation worker and ORT's threads). */
export interface TabMemory {
  /** Proportional set size (shared pages split between their processes), MB. */
  pssMb: number;
  rssMb: number;
}

/** A /proc status field in kB (smaps_rollup's Pss, Rss). */
function procKb(pid: number, field: string): number {
  const match = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(
    new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
  );
  if (!match) throw new Error(`/proc/${pid}/smaps_rollup has no ${field} line.`);
  return Number(match[1]);
}

/**
 * Sums PSS and RSS over the browser's renderer processes, read from /proc (Linux; the browser runs
 * on this machine). Chromium runs a page's dedicated workers, and the WASM threads they start, as
 * threads of the page's renderer, so that process holds the tab's JavaScript heaps, the WASM heap,
 * the volume and the overlays; the GPU and browser processes, and the browser UI's own renderer,
 * are left out. The bench opens one page, so the other renderers are that tab's (and an idle spare
 * renderer Chromium may keep, a few MB of PSS). Processes come from CDP's SystemInfo.getProcessInfo.
 */
export async function tabMemory(browser: Browser): Promise<TabMemory> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    // The browser's own UI (headless too) has a renderer of its own, which is no tab's.
    const renderers = processInfo
      .filter((p) => p.type === 'renderer')
      .map((p) => p.id)
      .filter((pid) => !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--top-chrome-webui'));
    if (!renderers.length) throw new Error('The browser reports no renderer process.');
    const sum = (field: string) => renderers.reduce((total, pid) => total + procKb(pid, field), 0) / 1024;
    return { pssMb: sum('Pss'), rssMb: sum('Rss') };
  } finally {
    await cdp.detach();
  }
}
