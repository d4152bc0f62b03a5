import { binSaliency } from '../engine/saliency/binSaliency';
import { PartialSaliency } from '../engine/explain/PartialSaliencySchedule';
import { Vec3 } from '../engine/volume/Volume';

/**
 * A run's running maps on the volume grid, kept by slice: only the slices explained so far hold
 * values (the rest are 0), so a paint bins and writes those slices and not the whole volume —
 * on the main thread, where a whole CT's binning every second held up the viewer's slice steps.
 */
export class RunningSaliency {
  private readonly slices = new Map<number, Float32Array>();
  private readonly plane: number;

  constructor(private readonly dimensions: Vec3) {
    this.plane = dimensions[0] * dimensions[1];
  }

  /** Takes an image's map (a 2-D model's slice; a 3-D model's covers slices from its offset on). */
  add({ offset, saliency }: PartialSaliency): void {
    const first = offset / this.plane;
    for (let s = 0; s * this.plane < saliency.length; s++)
      this.slices.set(first + s, saliency.subarray(s * this.plane, (s + 1) * this.plane));
  }

  /** The maps so far as one volume-grid map (0 where nothing is explained yet). */
  volume(): Float32Array {
    const [nx, ny, nz] = this.dimensions;
    const volume = new Float32Array(nx * ny * nz);
    for (const [k, slice] of this.slices) volume.set(slice, k * this.plane);
    return volume;
  }

  /** The explained slices' levels, binned as binSaliency bins the whole map (its maximum is theirs). */
  binnedSlices(levels: number): Map<number, Uint8Array> {
    const order = [...this.slices.keys()];
    const joined = new Float32Array(order.length * this.plane);
    order.forEach((k, i) => joined.set(this.slices.get(k)!, i * this.plane));
    const { labels } = binSaliency(joined, levels);
    return new Map(order.map((k, i) => [k, labels.subarray(i * this.plane, (i + 1) * this.plane)]));
  }
}
