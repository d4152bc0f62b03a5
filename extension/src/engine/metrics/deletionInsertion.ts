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
  fractions: number[];
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
 * Cost: 2·(steps + 1) forward passes.
 */
export async function deletionInsertion(
  predictor: Predictor,
  image: Float32Array,
  saliency: ArrayLike<number>,
  target: Target,
  substrates: { deletion: Float32Array; insertion: Float32Array },
  options: { steps?: number; batchSize?: number; seed?: number; tracker: ProgressTracker },
): Promise<CausalCurves> {
  const steps = options.steps ?? 16;
  const voxels = image.length;
  const tieBreak = new Float64Array(voxels);
  const random = createRandom(options.seed ?? 0);
  for (let v = 0; v < voxels; v++) tieBreak[v] = random();
  const order = Uint32Array.from({ length: voxels }, (_, v) => v).sort(
    (a, b) => saliency[b] - saliency[a] || tieBreak[a] - tieBreak[b],
  );
  const fractions = Array.from({ length: steps + 1 }, (_, s) => s / steps);
  const curve = async (start: Float32Array, replacement: Float32Array): Promise<number[]> => {
    const scores = new Array<number>(steps + 1);
    const write = (index: number, out: Float32Array) => {
      out.set(start);
      const count = Math.round(fractions[index] * voxels);
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
    deletionAuc: trapezoid(deletion, fractions),
    insertionAuc: trapezoid(insertion, fractions),
    passes: 2 * (steps + 1),
  };
}

function trapezoid(values: number[], fractions: number[]): number {
  let area = 0;
  for (let n = 1; n < values.length; n++)
    area += ((values[n] + values[n - 1]) / 2) * (fractions[n] - fractions[n - 1]);
  return area;
}
