/** Progress of an explanation, in segmenter forward passes (one perturbed image = one pass). */
export interface Progress {
  done: number;
  total: number;
  /** Estimated milliseconds left, from the mean time per pass so far; null before the first batch. */
  etaMs: number | null;
}

export type ProgressCallback = (progress: Progress) => void;

/** Thrown when an AbortSignal stops an explanation; nothing partial is returned. */
export class ExplanationCancelledError extends Error {
  constructor() {
    super('The explanation was cancelled.');
    this.name = 'ExplanationCancelledError';
  }
}

/**
 * Counts forward passes against a planned total, reports progress with an ETA and checks
 * for cancellation between batches. One tracker spans every slice of a run so that the
 * total and the ETA cover the whole job.
 */
export class ProgressTracker {
  done = 0;
  calls = 0;
  private readonly startedAt = Date.now();

  constructor(
    public total: number,
    private readonly onProgress?: ProgressCallback,
    private readonly signal?: AbortSignal,
  ) {}

  /** Throws ExplanationCancelledError if the signal has fired. */
  throwIfCancelled(): void {
    if (this.signal?.aborted) throw new ExplanationCancelledError();
  }

  /** Removes planned passes that will not run (e.g. a slice without the organ). */
  skip(passes: number): void {
    this.total -= passes;
  }

  /** Adds passes planned once the run is under way (a refinement's second round). */
  extend(passes: number): void {
    this.total += passes;
  }

  /** Records one model call that evaluated `passes` images. */
  advance(passes: number): void {
    this.done += passes;
    this.calls += 1;
    const elapsed = Date.now() - this.startedAt;
    const etaMs = this.done > 0 ? Math.max(0, ((this.total - this.done) * elapsed) / this.done) : null;
    this.onProgress?.({ done: this.done, total: this.total, etaMs });
  }
}
