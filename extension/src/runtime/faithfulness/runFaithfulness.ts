import { ProgressTracker } from '../../engine/evaluate/ProgressTracker';
import { bindOrganTarget } from '../../engine/explain/bindOrganTarget';
import { makeSubstrate } from '../../engine/methods/makeSubstrate';
import { mmToVoxels } from '../../engine/methods/mmToVoxels';
import { CausalCurves, deletionInsertion } from '../../engine/metrics/deletionInsertion';
import { normalisedCausalAuc } from '../../engine/metrics/normalisedCausalAuc';
import { pointingGame } from '../../engine/metrics/pointingGame';
import { randomOrderMap } from '../../engine/metrics/randomOrderMap';
import { forEachRoiVoxel } from '../../engine/roi/roiVoxels';
import { predictedMask } from '../../engine/targets/predictedMask';
import { Box } from '../../engine/volume/Box';
import { Volume } from '../../engine/volume/Volume';
import { asFloat32, sliceOf } from '../../engine/volume/volumeUtils';
import { ExplainRequest } from '../ExplainRequest';
import { LoadedModel } from '../loadModel';
import { planBatch } from '../memory/planBatch';
import { ExplanationReport } from '../reportOf';
import { resolveOrgan } from '../resolveOrgan';
import { resolveRequest } from '../resolveRequest';
import { resolveTargetRegion } from '../resolveTargetRegion';
import { ExplanationHooks } from '../runExplanation';
import {
  FAITHFULNESS_ORGAN_MULTIPLE,
  FAITHFULNESS_RANDOM_PATCH_MM,
  FAITHFULNESS_STEPS,
  faithfulnessPasses,
} from './faithfulnessPasses';
import { CausalAuc, FaithfulnessReport, ImageFaithfulness } from './FaithfulnessReport';

/** A finished run's map and what it was explained with: what the figures are measured on. */
export interface FaithfulnessInput {
  request: ExplainRequest;
  /** The map on the volume grid. */
  saliency: Float32Array;
  /** A mask-shaped ROI's region on the volume grid; absent for a box ROI or none. */
  roiMask?: Uint8Array;
  report: Pick<ExplanationReport, 'slices' | 'roiBoxes' | 'batch'>;
}

export interface FaithfulnessOptions {
  /** Also measure a seeded random order of the same voxels (twice the passes). */
  randomBaseline: boolean;
  steps?: number;
  organMultiple?: number;
  /**
   * The random order's patch edge in mm (its map is constant on each patch; 0: voxel by voxel);
   * default FAITHFULNESS_RANDOM_PATCH_MM.
   */
  randomPatchMm?: number;
}

/**
 * How faithful a finished map is to the model (FaithfulnessReport), measured on the run's own
 * target: the organ (or the request's target region), the explained images (a 3-D model's
 * explained slices), the target kind and the fill, bound as the explanation bound them
 * (bindOrganTarget). On each image the ROI's voxels are removed (deletion, into the fill) and
 * restored (insertion, into a blurred image) in the map's order, in `steps` steps up to
 * `organMultiple` × the target's voxels (all of the ROI when it is smaller); optionally the same
 * for a seeded random order of those voxels (constant on patches of `randomPatchMm`); and the
 * pointing game checks the map's maximum against the target (the predicted organ, or the region).
 *
 * Cost: faithfulnessPasses (per image 1 + 2·(steps + 1) per order); an image without the organ
 * stops after its first pass. Cancellable through `hooks.signal`.
 */
export async function runFaithfulness(
  loaded: LoadedModel,
  volume: Volume,
  input: FaithfulnessInput,
  options: FaithfulnessOptions,
  hooks: Pick<ExplanationHooks, 'signal' | 'onProgress' | 'onStage' | 'memoryBudgetBytes'> = {},
): Promise<FaithfulnessReport> {
  const started = Date.now();
  const request = resolveRequest(input.request);
  const { classIndex, className } = resolveOrgan(loaded.manifest, request.organ);
  const steps = options.steps ?? FAITHFULNESS_STEPS;
  const organMultiple = options.organMultiple ?? FAITHFULNESS_ORGAN_MULTIPLE;
  const randomPatchMm = options.randomPatchMm ?? FAITHFULNESS_RANDOM_PATCH_MM;
  const { roiBoxes, slices } = input.report;
  // A run that explained a target region is scored on that region, as it was explained.
  const targetRegion =
    input.request.targetRegion &&
    (await resolveTargetRegion(input.request.targetRegion, loaded, volume, request, className)).mask;
  const batchSize = planBatch(
    loaded.segmenter,
    volume,
    input.report.batch.size,
    hooks.memoryBudgetBytes,
  ).batchSize;
  const perImage = faithfulnessPasses(1, { ...options, steps });
  const tracker = new ProgressTracker(roiBoxes.length * perImage, hooks.onProgress, hooks.signal);
  const [nx, ny] = volume.dimensions;
  const plane = nx * ny;
  const images: ImageFaithfulness[] = [];
  const notes: string[] = [];
  for (const [n, { slice, box }] of roiBoxes.entries()) {
    hooks.onStage?.(`Faithfulness of the ${className} map: image ${n + 1} of ${roiBoxes.length}`);
    const image = asFloat32(slice === null ? volume : sliceOf(volume, slice));
    const size = image.data.length;
    const offset = slice === null ? 0 : slice * plane;
    // A 3-D model's score is read on the explained slices only, as the explanation read it.
    const region: Box | undefined =
      slice === null ? { min: [0, 0, slices[0]], max: [nx, ny, slices[slices.length - 1] + 1] } : undefined;
    const imageTarget = targetRegion?.subarray(offset, offset + size);
    const bound = await bindOrganTarget(
      loaded.segmenter,
      image,
      classIndex,
      request.target,
      tracker,
      region,
      imageTarget,
    );
    if (!bound.target) {
      tracker.skip(perImage - 1);
      notes.push(
        `${slice === null ? 'The volume' : `Slice ${slice}`}: ${
          imageTarget ? 'the target region has no voxel here' : `the model predicts no ${className}`
        }; not measured.`,
      );
      continue;
    }
    // What the score sums over, on the image grid: the target region, or the predicted organ.
    const target = imageTarget
      ? Uint8Array.from(imageTarget)
      : predictedMask(
          bound.predictor.toImageGrid(bound.baseline),
          bound.predictor.classNames.length,
          size,
          classIndex,
        );
    if (region) target.fill(0, 0, region.min[2] * plane).fill(0, region.max[2] * plane);
    const targetVoxels = target.reduce((sum, m) => sum + m, 0);
    const ordered: number[] = [];
    forEachRoiVoxel(box, input.roiMask?.subarray(offset, offset + size), image.dimensions, (v) =>
      ordered.push(v),
    );
    const candidates = Uint32Array.from(ordered);
    const removedVoxels = Math.min(candidates.length, Math.round(organMultiple * targetVoxels));
    const saliency = input.saliency.subarray(offset, offset + size);
    const substrates = {
      deletion: makeSubstrate(image, request.fill),
      insertion: makeSubstrate(image, 'blur'),
    };
    const curvesOf = (map: ArrayLike<number>) =>
      deletionInsertion(bound.predictor, image.data, map, bound.target!, substrates, {
        steps,
        batchSize,
        seed: request.seed,
        tracker,
        candidates,
        maxFraction: Math.max(1, removedVoxels) / Math.max(1, candidates.length),
      });
    const mapCurves = await curvesOf(saliency);
    const randomCurves = options.randomBaseline
      ? await curvesOf(
          randomOrderMap(
            image.dimensions,
            candidates,
            request.seed + 1,
            mmToVoxels(randomPatchMm, image.spacing, image.dimensions),
          ),
        )
      : undefined;
    images.push({
      slice,
      targetVoxels,
      orderedVoxels: candidates.length,
      removedVoxels,
      ...aucOf(mapCurves),
      normalised: normalisedCausalAuc(mapCurves),
      ...(randomCurves
        ? { random: aucOf(randomCurves), randomNormalised: normalisedCausalAuc(randomCurves) }
        : {}),
      pointingHit: pointingGame(saliency, target)?.hit ?? null,
    });
  }
  if (images.length === 0)
    throw new Error(
      `The model predicts no ${className} on the explained slices: there is no score to measure faithfulness on.`,
    );
  const pointed = images.filter((image) => image.pointingHit !== null);
  return {
    ...meanAuc(images),
    ...(options.randomBaseline
      ? { random: meanAuc(images.map((image) => image.random!)), randomPatchMm }
      : {}),
    pointingGame: { hits: pointed.filter((image) => image.pointingHit).length, images: pointed.length },
    steps,
    organMultiple,
    images,
    passes: tracker.passes,
    ms: Date.now() - started,
    notes,
  };
}

const aucOf = ({ deletionAuc, insertionAuc }: CausalCurves): CausalAuc => ({ deletionAuc, insertionAuc });

function meanAuc(aucs: CausalAuc[]): CausalAuc {
  const mean = (pick: (auc: CausalAuc) => number) =>
    aucs.reduce((sum, auc) => sum + pick(auc), 0) / aucs.length;
  return { deletionAuc: mean((auc) => auc.deletionAuc), insertionAuc: mean((auc) => auc.insertionAuc) };
}
