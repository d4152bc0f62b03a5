import { binarize, overlap, Volume } from '@xai-clip/engine';
import { Explanation, ExplainRequest, runExplanation } from '@xai-clip/runtime';
import { LoadedCase } from './benchCases';
import { BenchSlice } from './benchSlice';
import { round } from './numbers';
import { pearson } from './pearson';
import { SlabComparison } from './schema';
import { slabOf } from './slabOf';

/**
 * An organ slab explained twice with occlusion and the ROI as the viewer runs it: exhaustively
 * (every slice, one round) and the viewer's fast way (coarse-to-fine, the slab stride); their
 * passes, time and agreement over the slab: the IoU of the two maps' top-|GT| voxels (|GT|: the
 * organ's ground truth on the slab), Pearson r, and each map's top-|GT| IoU with the ground truth.
 * `settings.slabSlices` slices around `slice` (the quick run's narrow slab), or the organ's whole
 * slab.
 */
export async function compareSlab(at: BenchSlice): Promise<SlabComparison> {
  const { benchCase, data, organ, slice, model, settings, roiMode, log } = at;
  const { volume, labels } = narrowed(data, slice, settings.slabSlices);
  const base: ExplainRequest = {
    organ: organ.organ,
    method: 'occlusion',
    roi: roiMode,
    scope: 'slab',
    windowMm: settings.windowMm,
    strideMm: settings.strideMm,
    outsideTileFactor: settings.outsideTileFactor,
    outsideTiles: settings.outsideTiles,
    fill: settings.fill,
    target: settings.target,
    batchSize: settings.batchSize,
    seed: settings.seed,
  };
  const exhaustive = await timed(() => runExplanation(model.loaded, volume, base));
  const fast = await timed(() =>
    runExplanation(model.loaded, volume, {
      ...base,
      coarseToFine: { factor: settings.coarseFactor, refineFraction: settings.refineFraction },
      sliceStride: settings.slabStride,
    }),
  );
  const slices = exhaustive.explanation.result.explainedSlices;
  const plane = volume.dimensions[0] * volume.dimensions[1];
  // The slab's voxels, slice after slice.
  const onSlab = (
    values: ArrayLike<number> & { subarray(start: number, end: number): ArrayLike<number> },
  ) => {
    const out = new Float32Array(slices.length * plane);
    slices.forEach((k, n) => out.set(values.subarray(k * plane, (k + 1) * plane), n * plane));
    return out;
  };
  const truth = onSlab(labels.data).map((label) => (label === organ.labelValue ? 1 : 0));
  const count = truth.reduce((sum, t) => sum + t, 0);
  const top = (map: Float32Array) =>
    binarize(
      map.map((v) => Math.max(0, v)),
      { kind: 'topCount', count },
    );
  const [exhaustiveMap, fastMap] = [exhaustive, fast].map((run) =>
    onSlab(run.explanation.result.saliency.data),
  );
  const comparison: SlabComparison = {
    dataset: benchCase.dataset,
    organ: organ.organ,
    slices: slices.length,
    interpolatedSlices: fast.explanation.result.interpolatedSlices?.length ?? 0,
    exhaustivePasses: exhaustive.explanation.result.passes,
    fastPasses: fast.explanation.result.passes,
    exhaustiveWallMs: round(exhaustive.wallMs, 1),
    fastWallMs: round(fast.wallMs, 1),
    agreementTopGtIou: round(overlap(top(exhaustiveMap), top(fastMap)).iou, 4),
    agreementPearson: pearson(exhaustiveMap, fastMap),
    exhaustiveTopGtIou: round(overlap(top(exhaustiveMap), truth).iou, 4),
    fastTopGtIou: round(overlap(top(fastMap), truth).iou, 4),
  };
  log(
    `${benchCase.dataset} ${organ.organ} slab of ${comparison.slices} slices: exhaustive ${comparison.exhaustivePasses} passes ` +
      `${(comparison.exhaustiveWallMs / 1000).toFixed(1)} s, fast ${comparison.fastPasses} passes ` +
      `${(comparison.fastWallMs / 1000).toFixed(1)} s, top-|GT| IoU ${comparison.agreementTopGtIou}, r ${comparison.agreementPearson}`,
  );
  return comparison;
}

/** The case's volume and labels, cut to `slices` slices centred on `slice` unless the whole organ slab is asked. */
function narrowed(
  data: LoadedCase,
  slice: number,
  slices: number | 'organ',
): { volume: Volume; labels: Volume } {
  if (slices === 'organ') return data;
  const nz = data.volume.dimensions[2];
  const first = Math.max(0, Math.min(nz - slices, slice - Math.floor(slices / 2)));
  const end = Math.min(nz, first + slices);
  return { volume: slabOf(data.volume, first, end), labels: slabOf(data.labels, first, end) };
}

/** Runs an explanation and times it (ROI and perturbations). */
async function timed(run: () => Promise<Explanation>): Promise<{ explanation: Explanation; wallMs: number }> {
  const begun = performance.now();
  const explanation = await run();
  return { explanation, wallMs: performance.now() - begun };
}
