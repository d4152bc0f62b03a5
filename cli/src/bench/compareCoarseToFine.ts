import { binarize, Box, overlap } from '@xai-clip/engine';
import { BenchSlice, truthOf } from './benchSlice';
import { ScoredRun } from './benchUnit';
import { round } from './numbers';
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
    agreementPearson: pearson(plain.saliency, refined.saliency, data.volume.dimensions[0], plain.roi?.box),
    refinedWindows: report.refinedPerturbations,
    fineWindows: report.plainPerturbations,
  };
}

/** Pearson correlation of two maps over a box of the slice (the ROI). */
function pearson(a: Float32Array, b: Float32Array, nx: number, box: Box | undefined): number {
  const values: [number, number][] = [];
  for (let v = 0; v < a.length; v++) {
    if (box) {
      const i = v % nx;
      const j = Math.floor(v / nx);
      if (i < box.min[0] || i >= box.max[0] || j < box.min[1] || j >= box.max[1]) continue;
    }
    values.push([a[v], b[v]]);
  }
  const n = values.length;
  const ma = values.reduce((s, [x]) => s + x, 0) / n;
  const mb = values.reduce((s, [, y]) => s + y, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (const [x, y] of values) {
    sab += (x - ma) * (y - mb);
    saa += (x - ma) ** 2;
    sbb += (y - mb) ** 2;
  }
  return round(saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN, 4);
}
