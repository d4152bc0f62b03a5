import { Page } from 'playwright-core';

/**
 * Steps the active viewport one slice with the mouse wheel (as a user does) and returns the ms
 * from the wheel event to the viewport's next rendered frame (cornerstone's IMAGE_RENDERED):
 * the main thread's wait, the tool's slice change and the render. `direction` ±1.
 */
export async function sliceStepLatency(page: Page, direction: 1 | -1): Promise<number> {
  const box = await page.evaluate(() => {
    const { viewportGridService, cornerstoneViewportService } = (window as any).services; // eslint-disable-line @typescript-eslint/no-explicit-any
    const element: HTMLElement = cornerstoneViewportService.getCornerstoneViewport(
      viewportGridService.getActiveViewportId(),
    ).element;
    const w = window as unknown as { xaiStep?: Promise<number> };
    w.xaiStep = new Promise<number>((resolve) => {
      let wheelAt = 0;
      element.addEventListener('wheel', (event) => (wheelAt = event.timeStamp), {
        capture: true,
        once: true,
      });
      element.addEventListener('CORNERSTONE_IMAGE_RENDERED', function rendered() {
        if (!wheelAt) return;
        element.removeEventListener('CORNERSTONE_IMAGE_RENDERED', rendered);
        resolve(performance.now() - wheelAt);
      });
    });
    const { x, y, width, height } = element.getBoundingClientRect();
    return { x: x + width / 2, y: y + height / 2 };
  });
  await page.mouse.move(box.x, box.y);
  await page.mouse.wheel(0, 100 * direction);
  return page.evaluate(() =>
    Promise.race([
      (window as unknown as { xaiStep: Promise<number> }).xaiStep,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error('No frame within 10 s of a wheel step.')), 10000),
      ),
    ]),
  );
}
