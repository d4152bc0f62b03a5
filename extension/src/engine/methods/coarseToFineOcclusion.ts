import { ProgressTracker } from '../evaluate/ProgressTracker';
import { runBatches } from '../evaluate/runBatches';
import { explainVolume, ExplainOptions, ExplainResult, ImageReport } from '../explain/explainVolume';
import { SegmentationModel } from '../model/SegmentationModel';
import { organScoreTarget } from '../targets/organScoreTarget';
import { forEachRoiVoxel, windowTouchesRoi } from '../roi/roiVoxels';
import { predictedMask } from '../targets/predictedMask';
import { Box, boxVoxelCount, forEachVoxelInBox } from '../volume/Box';
import { Vec3, Volume } from '../volume/Volume';
import { asFloat32, sliceOf } from '../volume/volumeUtils';
import { makeSubstrate } from './makeSubstrate';
import { mmToVoxels } from './mmToVoxels';
import { DEFAULT_OUTSIDE_TILE_FACTOR, OutsideTileShape } from './occlusion';
import { PerturbationPlan } from './PerturbationMethod';
import { windowGrid } from './windowGrid';

export interface CoarseToFineOptions extends Omit<
  ExplainOptions<'occlusion'>,
  'method' | 'methodOptions' | 'seed'
> {
  /** The fine window edge in mm (what plain occlusion would use). */
  windowMm: number | Vec3;
  /** The fine stride in mm; defaults to half the window. */
  strideMm?: number | Vec3;
  /** Coarse window and stride = this factor × the fine ones (default 2). */
  coarseFactor?: number;
  /**
   * A fine window runs only where the coarse saliency somewhere inside it reaches this
   * fraction of the image's largest coarse saliency (default 0.5).
   */
  refineFraction?: number;
  /** Outside-ROI tile size in fine windows, as plain occlusion's (default 2.25; 0 = none). */
  outsideTileFactor?: number;
  /** Outside tiles' shape, as plain occlusion's (default 'slic'). */
  outsideTiles?: OutsideTileShape;
}

export interface CoarseToFineReport {
  coarseWindowMm: number | Vec3;
  coarseStrideMm: number | Vec3;
  /** Passes of the coarse round (baseline included) and of the fine round (its baseline included). */
  coarsePasses: number;
  finePasses: number;
  /** Fine windows run, and the fine windows that plain occlusion would have run over the same ROI. */
  refinedWindows: number;
  fineWindows: number;
}

export type CoarseToFineResult = ExplainResult & { coarseToFine: CoarseToFineReport };

const scaled = (value: number | Vec3, factor: number): number | Vec3 =>
  typeof value === 'number' ? value * factor : (value.map((v) => v * factor) as Vec3);

/**
 * Coarse-to-fine occlusion: a first occlusion round with windows and stride `coarseFactor`
 * times larger (through `explainVolume`, so it is plain occlusion), then, per explained image,
 * only the fine windows (those plain occlusion would use, `windowGrid` over the ROI) that overlap voxels
 * whose coarse saliency reaches `refineFraction` × its maximum. Both rounds go through the one
 * batching loop (`runBatches`).
 *
 * Saliency: the mean drop of the refined fine windows covering a voxel; voxels no refined
 * window covers keep the coarse value scaled by (fine window / coarse window) volume, so a
 * sum target (a drop roughly proportional to the organ voxels removed) stays in one unit.
 * Outside the ROI the coarse round lays plain occlusion's outside tiles (the same size in mm),
 * scaled the same way.
 *
 * Cost: (1 + P_coarse) + (1 + P_refined) passes per image with the organ (the fine round
 * re-runs the unperturbed image to bind its target), against 1 + P_fine for plain occlusion;
 * P_coarse ≈ P_fine / coarseFactor^d.
 */
export async function coarseToFineOcclusion(
  volume: Volume,
  model: SegmentationModel,
  options: CoarseToFineOptions,
): Promise<CoarseToFineResult> {
  const started = Date.now();
  const factor = options.coarseFactor ?? 2;
  const refineFraction = options.refineFraction ?? 0.5;
  if (!(factor >= 1)) throw new Error(`coarseFactor must be ≥ 1, got ${factor}.`);
  if (!(refineFraction >= 0 && refineFraction <= 1)) {
    throw new Error(`refineFraction must be in [0, 1], got ${refineFraction}.`);
  }
  const fineStrideMm = options.strideMm ?? scaled(options.windowMm, 0.5);
  const coarseWindowMm = scaled(options.windowMm, factor);
  const coarseStrideMm = scaled(fineStrideMm, factor);

  const coarse = await explainVolume(volume, model, {
    ...options,
    method: 'occlusion',
    methodOptions: {
      windowMm: coarseWindowMm,
      strideMm: coarseStrideMm,
      outsideTileFactor: (options.outsideTileFactor ?? DEFAULT_OUTSIDE_TILE_FACTOR) / factor,
      outsideTiles: options.outsideTiles,
    },
    onProgress: options.onProgress,
  });

  // Plan every fine round first, so the progress total is known before the second round runs.
  const rounds = coarse.images
    .filter((report) => report.organVoxels > 0)
    .map((report) => planFineRound(volume, coarse.saliency, report, options, fineStrideMm, refineFraction));
  const tracker = new ProgressTracker(
    coarse.passes + rounds.reduce((sum, round) => sum + 1 + round.plan.count, 0),
    options.onProgress,
    options.signal,
  );
  tracker.done = coarse.passes;
  tracker.calls = coarse.calls;

  const saliency = coarse.saliency;
  const windowRatio = windowVolumeRatio(options.windowMm, coarseWindowMm, volume, model.dimensionality);
  let refinedWindows = 0;
  let fineWindows = 0;
  for (const round of rounds) {
    tracker.throwIfCancelled();
    const predictor = await model.bind(round.image);
    const baseline = await predictor.predict(round.image.data, 1);
    tracker.advance(1);
    const classes = predictor.classNames.length;
    const mask = predictedMask(baseline, classes, predictor.outputSize, options.classIndex);
    const target = organScoreTarget(options.classIndex, mask, predictor.outputSize, options.target);
    await runBatches(
      predictor,
      round.image.data.length,
      round.plan.count,
      round.plan.write,
      target,
      round.plan.receive,
      options.batchSize ?? 8,
      tracker,
    );
    const fine = round.plan.finish(target(baseline, 0));
    const covered = round.plan.covered;
    const offset = round.report.slice === null ? 0 : round.report.slice * round.image.data.length;
    for (let v = 0; v < fine.length; v++) {
      saliency.data[offset + v] = covered[v] ? fine[v] : saliency.data[offset + v] * windowRatio;
    }
    round.report.passes += 1 + round.plan.count;
    refinedWindows += round.plan.count;
    fineWindows += round.fineWindows;
  }
  return {
    ...coarse,
    saliency,
    passes: tracker.done,
    calls: tracker.calls,
    wallMs: Date.now() - started,
    coarseToFine: {
      coarseWindowMm,
      coarseStrideMm,
      coarsePasses: coarse.passes,
      finePasses: tracker.done - coarse.passes,
      refinedWindows,
      fineWindows,
    },
  };
}

interface FineRound {
  report: ImageReport;
  image: Volume<Float32Array>;
  plan: PerturbationPlan & { covered: Uint8Array };
  /** Fine windows over the ROI before refinement. */
  fineWindows: number;
}

function planFineRound(
  volume: Volume,
  coarseSaliency: Volume<Float32Array>,
  report: ImageReport,
  options: CoarseToFineOptions,
  fineStrideMm: number | Vec3,
  refineFraction: number,
): FineRound {
  const image = asFloat32(report.slice === null ? volume : sliceOf(volume, report.slice));
  const size = image.data.length;
  const offset = report.slice === null ? 0 : report.slice * size;
  const coarse = coarseSaliency.data.subarray(offset, offset + size);
  const box = report.roi;
  let peak = 0;
  forEachRoiVoxel(box, report.roiMask, image.dimensions, (v) => {
    if (coarse[v] > peak) peak = coarse[v];
  });
  const level = refineFraction * peak;
  const window = mmToVoxels(options.windowMm, image.spacing, image.dimensions);
  const stride = mmToVoxels(fineStrideMm, image.spacing, image.dimensions);
  const candidates = windowGrid(image.dimensions, window, stride, box).filter((candidate) =>
    windowTouchesRoi(candidate, box, report.roiMask, image.dimensions),
  );
  const windows =
    peak > 0 ? candidates.filter((candidate) => reaches(coarse, candidate, image.dimensions, level)) : [];
  const substrate = makeSubstrate(image, options.fill ?? 'min', options.blurSigmaMm);
  return {
    report,
    image,
    plan: windowListPlan(image.data, image.dimensions, substrate, windows, box, report.roiMask),
    fineWindows: candidates.length,
  };
}

/** Whether some voxel of `box` has a value ≥ level. */
function reaches(values: Float32Array, box: Box, dimensions: Vec3, level: number): boolean {
  let found = false;
  forEachVoxelInBox(box, dimensions, (v) => {
    if (values[v] >= level) found = true;
  });
  return found;
}

/**
 * Occlusion over an explicit list of windows: saliency = mean drop over the listed windows
 * covering a voxel, within the ROI; `covered` marks the voxels some window covers.
 */
function windowListPlan(
  image: Float32Array,
  dimensions: Vec3,
  substrate: Float32Array,
  windows: Box[],
  roi: Box,
  roiMask: Uint8Array | undefined,
): PerturbationPlan & { covered: Uint8Array } {
  const scores = new Float64Array(windows.length);
  const covered = new Uint8Array(image.length);
  return {
    count: windows.length,
    covered,
    write(index, out) {
      out.set(image);
      forEachVoxelInBox(windows[index], dimensions, (v) => {
        out[v] = substrate[v];
      });
    },
    receive(index, score) {
      scores[index] = score;
    },
    finish(baselineScore) {
      const dropSum = new Float64Array(image.length);
      const coverage = new Uint32Array(image.length);
      windows.forEach((box, index) => {
        const drop = baselineScore - scores[index];
        forEachVoxelInBox(box, dimensions, (v) => {
          dropSum[v] += drop;
          coverage[v] += 1;
        });
      });
      const saliency = new Float32Array(image.length);
      forEachRoiVoxel(roi, roiMask, dimensions, (v) => {
        if (coverage[v] > 0) {
          saliency[v] = dropSum[v] / coverage[v];
          covered[v] = 1;
        }
      });
      return saliency;
    },
  };
}

/** Voxels of a fine window over voxels of a coarse one, on the volume's grid. */
function windowVolumeRatio(
  fineMm: number | Vec3,
  coarseMm: number | Vec3,
  volume: Volume,
  dimensionality: 2 | 3,
): number {
  const dims: Vec3 =
    dimensionality === 2 ? [volume.dimensions[0], volume.dimensions[1], 1] : volume.dimensions;
  const fine = mmToVoxels(fineMm, volume.spacing, dims);
  const coarse = mmToVoxels(coarseMm, volume.spacing, dims);
  const voxels = (w: Vec3) => boxVoxelCount({ min: [0, 0, 0], max: w });
  return voxels(fine) / voxels(coarse);
}
