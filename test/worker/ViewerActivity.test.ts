import { ViewerActivity } from '../../extension/src/worker/ViewerActivity';

describe('ViewerActivity', () => {
  it('is quiet at once when the user has not touched the viewer', async () => {
    const activity = new ViewerActivity(300);
    // Quiet before any timer fires: it resolves without waiting at all (no wall-clock limit to be flaky).
    const first = await Promise.race([
      activity.quiet().then(() => 'quiet'),
      new Promise((resolve) => setTimeout(() => resolve('timer'), 0)),
    ]);
    expect(first).toBe('quiet');
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
