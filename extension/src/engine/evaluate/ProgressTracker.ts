/**
 * Progress of an explanation, in segmenter forward passes (one perturbed image = one pass; a
 * perturbation that changes nothing the network sees counts as done without one).
 */
export interface Progress {
  done: number;
  total: number;
  /** Estimated milliseconds left, from the mean time per model pass so far; null before the first. */
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
  /** Planned passes settled: run by the model or skipped. */
  done = 0;
  calls = 0;
  /** Perturbations settled without a model call: they change no voxel of the network input. */
  skipped = 0;
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

  /** Forward passes the model ran. */
  get passes(): number {
    return this.done - this.skipped;
  }

  /**
   * Records one batch: one model call that evaluated `passes` images (no call when 0) and
   * `skipped` perturbations settled without one.
   */
  advance(passes: number, skipped = 0): void {
    this.done += passes + skipped;
    this.skipped += skipped;
    if (passes > 0) this.calls += 1;
    const elapsed = Date.now() - this.startedAt;
    // Skipped perturbations take no time: the rate is that of the passes run.
    const etaMs = this.passes > 0 ? Math.max(0, ((this.total - this.done) * elapsed) / this.passes) : null;
    this.onProgress?.({ done: this.done, total: this.total, etaMs });
  }
}
