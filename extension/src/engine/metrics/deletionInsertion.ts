import { ProgressTracker } from '../evaluate/ProgressTracker';
import { runBatches } from '../evaluate/runBatches';
import { Predictor } from '../model/SegmentationModel';
import { Target } from '../targets/Target';
import { createRandom } from '../util/random';

export interface CausalCurves {
  /** Normalised target (score / unperturbed score) after removing the top fraction f of voxels. */
  deletion: number[];
  /** Normalised target after restoring the top fraction f into the insertion substrate. */
  insertion: number[];
  /** f of each step: the share of the ordered voxels (`candidates`, else all) removed or restored. */
  fractions: number[];
  /** Area under `deletion` over f ∈ [0, maxFraction], divided by maxFraction (the curve's mean). */
  deletionAuc: number;
  insertionAuc: number;
  passes: number;
}

/**
 * Deletion and insertion curves (RISE's causal metrics, Petsiuk et al. 2018) for one image:
 * voxels are removed (replaced by `deletionSubstrate`) or restored (into
 * `insertionSubstrate`, e.g. a blurred copy) in decreasing saliency order, `steps` equal
 * chunks at a time, and the target is re-scored. Ties (e.g. the zeros outside an ROI) are
 * ordered by a seeded shuffle so no region is favoured. AUC by the trapezoid rule over
 * f ∈ [0, 1]; deletion: lower is better, insertion: higher is better. Uses the same target
 * as the explanation, so a map cannot score well without being faithful to the model.
 *
 * `candidates` restricts the order to those voxels (e.g. an ROI's: the rest stay as they are),
 * and `maxFraction` ends the curves at that share of them (e.g. a few times the organ's size, where
 * the score has long fallen); the AUC is then divided by maxFraction, so it stays in the score's
 * units. Without both, the whole image is removed.
 *
 * Cost: 2·(steps + 1) forward passes.
 */
export async function deletionInsertion(
  predictor: Predictor,
  image: Float32Array,
  saliency: ArrayLike<number>,
  target: Target,
  substrates: { deletion: Float32Array; insertion: Float32Array },
  options: {
    steps?: number;
    batchSize?: number;
    seed?: number;
    tracker: ProgressTracker;
    /** The voxels ordered, removed and restored (default: all of the image). */
    candidates?: Uint32Array;
    /** Where the curves end, as a share of the candidates (default 1: all of them). */
    maxFraction?: number;
  },
): Promise<CausalCurves> {
  const steps = options.steps ?? 16;
  const maxFraction = options.maxFraction ?? 1;
  if (!(maxFraction > 0 && maxFraction <= 1))
    throw new Error(`Deletion/insertion's maxFraction must lie in (0, 1], got ${maxFraction}.`);
  const voxels = image.length;
  const tieBreak = new Float64Array(voxels);
  const random = createRandom(options.seed ?? 0);
  for (let v = 0; v < voxels; v++) tieBreak[v] = random();
  const order = (options.candidates?.slice() ?? Uint32Array.from({ length: voxels }, (_, v) => v)).sort(
    (a, b) => saliency[b] - saliency[a] || tieBreak[a] - tieBreak[b],
  );
  const fractions = Array.from({ length: steps + 1 }, (_, s) => (s / steps) * maxFraction);
  const curve = async (start: Float32Array, replacement: Float32Array): Promise<number[]> => {
    const scores = new Array<number>(steps + 1);
    const write = (index: number, out: Float32Array) => {
      out.set(start);
      const count = Math.round(fractions[index] * order.length);
      for (let n = 0; n < count; n++) out[order[n]] = replacement[order[n]];
    };
    await runBatches(
      predictor,
      voxels,
      steps + 1,
      write,
      target,
      (i, s) => (scores[i] = s),
      options.batchSize ?? 8,
      options.tracker,
    );
    return scores;
  };
  const deletionRaw = await curve(image, substrates.deletion);
  const insertionRaw = await curve(substrates.insertion, image);
  const reference = deletionRaw[0] !== 0 ? deletionRaw[0] : 1;
  const deletion = deletionRaw.map((s) => s / reference);
  const insertion = insertionRaw.map((s) => s / reference);
  return {
    deletion,
    insertion,
    fractions,
    deletionAuc: trapezoid(deletion, fractions) / maxFraction,
    insertionAuc: trapezoid(insertion, fractions) / maxFraction,
    passes: 2 * (steps + 1),
  };
}

function trapezoid(values: number[], fractions: number[]): number {
  let area = 0;
  for (let n = 1; n < values.length; n++)
    area += ((values[n] + values[n - 1]) / 2) * (fractions[n] - fractions[n - 1]);
  return area;
}
