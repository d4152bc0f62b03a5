import { forEachRoiVoxel, windowTouchesRoi } from '../roi/roiVoxels';
import { Box, boxVoxelCount, forEachVoxelInBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { mmToVoxels } from './mmToVoxels';
import { DEFAULT_OUTSIDE_TILE_FACTOR, OcclusionOptions } from './occlusion';
import { PerturbationContext, Refinement, RefinementPlan } from './PerturbationMethod';
import { windowGrid } from './windowGrid';

export interface CoarseToFineSettings {
  /** Coarse window and stride = this factor × the fine ones. */
  factor: number;
  /**
   * A fine window runs only where the coarse saliency somewhere inside it reaches this
   * fraction of the image's largest coarse saliency.
   */
  refineFraction: number;
}

const scaled = (value: number | Vec3, factor: number): number | Vec3 =>
  typeof value === 'number' ? value * factor : (value.map((v) => v * factor) as Vec3);

const fineStrideOf = (options: OcclusionOptions) => options.strideMm ?? scaled(options.windowMm, 0.5);

/**
 * Coarse-to-fine occlusion: a first occlusion round with windows and stride `factor` times
 * larger (plain occlusion, outside tiles of the same size in mm), then, per explained image, only
 * the fine windows (those plain occlusion would use, `windowGrid` over the ROI) that overlap voxels
 * whose coarse saliency reaches `refineFraction` × its maximum.
 *
 * Saliency: the mean drop of the refined fine windows covering a voxel; voxels no refined window
 * covers keep the coarse value scaled by (fine window / coarse window) volume, so a sum target (a
 * drop roughly proportional to the organ voxels removed) stays in one unit.
 *
 * Cost: (1 + P_coarse) + (1 + P_refined) passes per image with the organ (the second round
 * re-runs the unperturbed image to bind its target), against 1 + P_fine for plain occlusion;
 * P_coarse ≈ P_fine / factor^d.
 */
export const coarseToFine: Refinement<OcclusionOptions, CoarseToFineSettings> = {
  id: 'coarseToFine',
  label: 'Coarse-to-fine',
  defaults: { factor: 2, refineFraction: 0.5 },
  firstRound(options, { factor, refineFraction }) {
    if (!(factor >= 1)) throw new Error(`coarseFactor must be ≥ 1, got ${factor}.`);
    if (!(refineFraction >= 0 && refineFraction <= 1)) {
      throw new Error(`refineFraction must be in [0, 1], got ${refineFraction}.`);
    }
    return {
      ...options,
      windowMm: scaled(options.windowMm, factor),
      strideMm: scaled(fineStrideOf(options), factor),
      outsideTileFactor: (options.outsideTileFactor ?? DEFAULT_OUTSIDE_TILE_FACTOR) / factor,
    };
  },
  plan(context, coarse, options, settings) {
    const { image, roi, roiMask } = context;
    let peak = 0;
    forEachRoiVoxel(roi, roiMask, image.dimensions, (v) => {
      if (coarse[v] > peak) peak = coarse[v];
    });
    const level = settings.refineFraction * peak;
    const window = mmToVoxels(options.windowMm, image.spacing, image.dimensions);
    const stride = mmToVoxels(fineStrideOf(options), image.spacing, image.dimensions);
    const candidates = windowGrid(image.dimensions, window, stride, roi).filter((candidate) =>
      windowTouchesRoi(candidate, roi, roiMask, image.dimensions),
    );
    const windows =
      peak > 0 ? candidates.filter((candidate) => reaches(coarse, candidate, image.dimensions, level)) : [];
    const coarseWindow = mmToVoxels(
      scaled(options.windowMm, settings.factor),
      image.spacing,
      image.dimensions,
    );
    const windowRatio =
      boxVoxelCount({ min: [0, 0, 0], max: window }) / boxVoxelCount({ min: [0, 0, 0], max: coarseWindow });
    return windowListPlan(context, windows, candidates.length, (fine, covered) =>
      fine.map((value, v) => (covered[v] ? value : coarse[v] * windowRatio)),
    );
  },
};

/** Whether some voxel of `box` has a value ≥ level. */
function reaches(values: Float32Array, box: Box, dimensions: Vec3, level: number): boolean {
  let found = false;
  forEachVoxelInBox(box, dimensions, (v) => {
    if (values[v] >= level) found = true;
  });
  return found;
}

/**
 * Occlusion over an explicit list of windows: the mean drop over the listed windows covering a
 * voxel, within the ROI, handed to `merge` with the voxels some window covers.
 */
function windowListPlan(
  context: PerturbationContext,
  windows: Box[],
  plainCount: number,
  merge: (fine: Float32Array, covered: Uint8Array) => Float32Array,
): RefinementPlan {
  const { image, roi, roiMask, substrate } = context;
  const { dimensions } = image;
  const scores = new Float64Array(windows.length);
  let received = 0;
  /** The fine windows 0 … known − 1 merged over the first round's map. */
  const mapOf = (baselineScore: number, known: number): Float32Array => {
    const size = image.data.length;
    const dropSum = new Float64Array(size);
    const coverage = new Uint32Array(size);
    windows.slice(0, known).forEach((box, index) => {
      const drop = baselineScore - scores[index];
      forEachVoxelInBox(box, dimensions, (v) => {
        dropSum[v] += drop;
        coverage[v] += 1;
      });
    });
    const fine = new Float32Array(size);
    const covered = new Uint8Array(size);
    forEachRoiVoxel(roi, roiMask, dimensions, (v) => {
      if (coverage[v] > 0) {
        fine[v] = dropSum[v] / coverage[v];
        covered[v] = 1;
      }
    });
    return merge(fine, covered);
  };
  return {
    count: windows.length,
    plainCount,
    write(index, out) {
      out.set(image.data);
      forEachVoxelInBox(windows[index], dimensions, (v) => {
        out[v] = substrate[v];
      });
    },
    receive(index, score) {
      scores[index] = score;
      received = Math.max(received, index + 1);
    },
    finish: (baselineScore) => mapOf(baselineScore, windows.length),
    // Scores arrive in index order: the fine windows so far over the first round's map.
    partial: (baselineScore) => mapOf(baselineScore, received),
  };
}
