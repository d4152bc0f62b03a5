/** One explained image's running map while a run goes on (`PerturbationPlan.partial`). */
export interface PartialSaliency {
  /** Where the image's map starts in the volume-grid saliency (slice k · slice size; 0 for a 3-D model). */
  offset: number;
  /** Image-sized map, in the final map's units; the caller owns it. */
  saliency: Float32Array;
  /** Whether this is the image's finished map (later images go on). */
  final: boolean;
}

export type PartialSaliencyCallback = (partial: PartialSaliency) => void;

/**
 * Paces running maps: an image's first batch always yields one (the first paint comes early),
 * later batches only `intervalMs` after the last one, since an estimate costs a map (LIME: a
 * ridge fit). Each image's finished map is always passed on, so a host composing the images
 * holds every finished one. The clock is injectable for tests.
 */
export class PartialSaliencySchedule {
  private sentAt = -Infinity;

  constructor(
    private readonly onPartial: PartialSaliencyCallback,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a running map is due after a batch. */
  due(firstBatchOfImage: boolean): boolean {
    return firstBatchOfImage || this.now() - this.sentAt >= this.intervalMs;
  }

  send(partial: PartialSaliency): void {
    this.sentAt = this.now();
    this.onPartial(partial);
  }
}
