import { binarize, Box, overlap } from '@xai-clip/engine';
import { BenchSlice, truthOf } from './benchSlice';
import { ScoredRun } from './benchUnit';
import { round } from './numbers';
import { pearson } from './pearson';
import { CoarseToFineComparison } from './schema';

/** Coarse-to-fine occlusion against plain occlusion over the same ROI, on one slice: cost and agreement of the maps. */
export function compareCoarseToFine(
  at: BenchSlice,
  plain: ScoredRun,
  refined: ScoredRun,
): CoarseToFineComparison {
  const { data, organ, slice } = at;
  const count = truthOf(data.labels, slice, organ.labelValue).reduce((sum, t) => sum + t, 0);
  const top = (map: Float32Array) =>
    binarize(
      map.map((v) => Math.max(0, v)),
      { kind: 'topCount', count },
    );
  const report = refined.refinement!;
  return {
    dataset: at.benchCase.dataset,
    organ: organ.organ,
    slices: 1,
    plainPasses: plain.unit.passes,
    coarseToFinePasses: refined.unit.passes,
    plainExplainMs: plain.unit.explainMs,
    coarseToFineExplainMs: refined.unit.explainMs,
    agreementTopGtIou: round(overlap(top(plain.saliency), top(refined.saliency)).iou, 4),
    agreementPearson: pearson(
      plain.saliency,
      refined.saliency,
      inBox(data.volume.dimensions[0], plain.roi?.box),
    ),
    refinedWindows: report.refinedPerturbations,
    fineWindows: report.plainPerturbations,
  };
}

/** Whether voxel v of a slice nx wide lies in the box (the ROI's); every voxel without one. */
function inBox(nx: number, box: Box | undefined): (v: number) => boolean {
  if (!box) return () => true;
  return (v) => {
    const [i, j] = [v % nx, Math.floor(v / nx)];
    return i >= box.min[0] && i < box.max[0] && j >= box.min[1] && j < box.max[1];
  };
}
