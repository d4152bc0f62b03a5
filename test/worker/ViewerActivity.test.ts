import { ViewerActivity } from '../../extension/src/worker/ViewerActivity';

describe('ViewerActivity', () => {
  it('is quiet at once when the user has not touched the viewer', async () => {
    const activity = new ViewerActivity(300);
    const started = Date.now();
    await activity.quiet();
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('waits until the viewer has been left alone for its quiet time, counted from the last interaction', async () => {
    let clock = 0;
    const activity = new ViewerActivity(300, () => clock);
    activity.noteInteraction();
    let quiet = false;
    const waiting = activity.quiet().then(() => (quiet = true));
    clock = 200;
    activity.noteInteraction(); // another wheel step: quiet from 500 on
    clock = 400;
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(quiet).toBe(false);
    clock = 500;
    await waiting;
    expect(quiet).toBe(true);
  });
});
