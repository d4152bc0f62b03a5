import { setTimeout as sleep } from 'timers/promises';

/** Polls `condition` every 250 ms until it holds; fails after `timeoutMs`, saying what it waited for. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}.`);
    await sleep(250);
  }
}
