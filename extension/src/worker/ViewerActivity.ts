/** How long the worker keeps still after the user's last wheel, key or pointer press in the viewer. */
export const VIEWER_QUIET_MS = 300;

/**
 * The user's activity in the viewer as the worker hears of it: `noteInteraction` on each message
 * saying so, and `quiet()` resolves once the viewer has been left alone for `quietMs`. The worker
 * awaits it before each model call, so that while the user steps through slices the main thread
 * and the GPU process have the cores to themselves (on 2 cores a running model call otherwise
 * shares one with them). A model call under way is not interrupted: it takes 0.1–1 s.
 */
export class ViewerActivity {
  private lastInteractionAt = -Infinity;

  constructor(
    private readonly quietMs = VIEWER_QUIET_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  noteInteraction(): void {
    this.lastInteractionAt = this.now();
  }

  async quiet(): Promise<void> {
    for (;;) {
      const left = this.lastInteractionAt + this.quietMs - this.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }
}
