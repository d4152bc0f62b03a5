/** Each tried batch size and its fastest measured time per pass in ms. */
export type PassTimes = Record<number, number>;

/**
 * Picks the fastest batch size with the explanation's own model calls: the batching loop asks
 * `next()` for each call's size and reports full calls to `measured`; every candidate runs
 * `trials` full calls in turn (the fastest counts: a new batch shape's first run also plans
 * ONNX Runtime's memory), then the size with the fewest ms per pass runs the rest. Tuning costs
 * no extra pass. Created with `chosen` (a cached choice), it runs that size from the start.
 */
export class BatchTuner {
  readonly passTimes: PassTimes = {};
  private trial = 0;

  constructor(
    /** Ascending, already capped to the memory budget. */
    readonly candidates: number[],
    /** ms clock; injectable so tests need no real timing. */
    readonly now: () => number = () => performance.now(),
    public chosen?: number,
    private readonly trials = 2,
  ) {
    if (candidates.length === 0) throw new Error('BatchTuner needs at least one candidate batch size.');
  }

  /** The most images one call may take: what the loop's buffer holds. */
  get largest(): number {
    return this.chosen ?? Math.max(...this.candidates);
  }

  /** The size of the next call. */
  next(): number {
    return this.chosen ?? this.candidates[Math.floor(this.trial / this.trials)];
  }

  /** One call of `size` images took `ms`; a partial call (skipped images, the last batch) is ignored. */
  measured(size: number, ms: number): void {
    if (this.chosen !== undefined || size !== this.next()) return;
    this.passTimes[size] = Math.min(this.passTimes[size] ?? Infinity, ms / size);
    if (++this.trial === this.candidates.length * this.trials) this.chosen = this.fastest();
  }

  /** The fastest size measured so far (the chosen one once tuning ended); undefined before any. */
  fastest(): number | undefined {
    if (this.chosen !== undefined) return this.chosen;
    const sizes = Object.keys(this.passTimes).map(Number);
    if (sizes.length === 0) return undefined;
    return sizes.reduce((best, size) => (this.passTimes[size] < this.passTimes[best] ? size : best));
  }
}
