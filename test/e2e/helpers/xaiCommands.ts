import { Page } from 'playwright-core';
import { commandNames } from '../../../extension/src/id';

/* eslint-disable @typescript-eslint/no-explicit-any */

/*
 * The extension as the suites reach it: its commands, run in the page through OHIF's own
 * `window.commandsManager` (the host exposes it; the extension adds no global of its own).
 */

/** Runs an XAI-CLIP command in the page; resolves to what the command resolves to. */
export function runXaiCommand(page: Page, name: string, options: object = {}): Promise<any> {
  return page.evaluate(
    ([command, commandOptions]) => (window as any).commandsManager.runCommand(command, commandOptions),
    [name, options] as const,
  );
}

/** The panel's state (`xaiGetState`): settings, status, report, overlays, survey, slice shown. */
export function xaiState(page: Page): Promise<any> {
  return runXaiCommand(page, commandNames.getState);
}

/**
 * Waits until the panel's state satisfies `predicate`, which runs in the page (so it may use only
 * its arguments: the state and `arg`).
 */
export async function waitForXaiState<A>(
  page: Page,
  predicate: (state: any, arg: A) => boolean,
  { arg, timeout = 30000, polling = 250 }: { arg?: A; timeout?: number; polling?: number } = {},
): Promise<void> {
  const state = `window.commandsManager.runCommand(${JSON.stringify(commandNames.getState)})`;
  await page.waitForFunction(`(${predicate})(${state}, ${JSON.stringify(arg ?? null)})`, undefined, {
    timeout,
    polling,
  });
}
