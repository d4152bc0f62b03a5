import { Page } from 'playwright-core';
import { commandNames } from '../../extension/src/id';

/** When a run's milestones came, ms after the click (page clock). */
export interface RunTimeline {
  /** The method's stage began: the ROI is known. */
  roiKnownMs: number | null;
  /** The first running map was painted. */
  firstSaliencyMs: number | null;
  endMs: number;
  status: string;
}

/**
 * Starts watching the panel's state in the page (every 20 ms) before a run is started; the
 * promise resolves once a run has begun and left the running state. `startedAt` (page
 * `performance.now()`) comes from `markStart`, called right before the click.
 */
export function observeRun(page: Page, timeoutMs: number): Promise<RunTimeline> {
  return page.evaluate(
    ({ getState, timeoutMs }) =>
      new Promise<RunTimeline>((resolve, reject) => {
        const w = window as unknown as {
          commandsManager: {
            runCommand(name: string): { status: string; stage?: string; partialUpdates?: number };
          };
          xaiBenchStart?: number;
        };
        const began = performance.now();
        let running = false;
        let roiKnown: number | null = null;
        let firstSaliency: number | null = null;
        const poll = () => {
          const now = performance.now();
          const state = w.commandsManager.runCommand(getState);
          const since = (t: number) => t - (w.xaiBenchStart ?? began);
          if (state.status === 'running') {
            running = true;
            if (roiKnown === null && state.stage && !/^(Loading|Locating)/.test(state.stage)) roiKnown = now;
            if (firstSaliency === null && (state.partialUpdates ?? 0) > 0) firstSaliency = now;
          } else if (running) {
            resolve({
              roiKnownMs: roiKnown === null ? null : since(roiKnown),
              firstSaliencyMs: firstSaliency === null ? null : since(firstSaliency),
              endMs: since(now),
              status: state.status,
            });
            return;
          }
          if (now - began > timeoutMs) reject(new Error(`No run ended within ${timeoutMs} ms.`));
          else setTimeout(poll, 20);
        };
        poll();
      }),
    { getState: commandNames.getState, timeoutMs },
  );
}

/** Marks the page-clock time a run is started at (the click), for observeRun's figures. */
export function markStart(page: Page): Promise<void> {
  return page.evaluate(() => {
    (window as unknown as { xaiBenchStart: number }).xaiBenchStart = performance.now();
  });
}
