import { Browser, Page } from 'playwright-core';
import { tabMemory } from './tabMemory';

/**
 * The tab's PSS (MB, tabMemory) 3 s after the call, once the page's JavaScript garbage is
 * collected: what stays after a run rather than what is merely not yet collected.
 */
export async function settledTabMemory({ browser, page }: { browser: Browser; page: Page }): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.detach();
  return (await tabMemory(browser)).pssMb;
}
