import { RefinementReport, Roi } from '@xai-clip/engine';
import { reportOf } from '@xai-clip/runtime';
import { BenchSlice, planeOf } from './benchSlice';
import { nullable, round } from './numbers';
import { BenchUnit } from './schema';
import { sanityFigures } from './sanityFigures';
import { scoreSaliency } from './scoreSaliency';
import { TimedRun } from './timeExplanation';

/** A benchmark unit with the map it scored, for comparisons between the runs of one slice. */
export interface ScoredRun {
  unit: BenchUnit;
  roi?: Roi;
  saliency: Float32Array;
  /** The organ the model predicts on the slice (0/1), as the explanation bound it. */
  predicted: Uint8Array;
  /** What a refinement (coarse-to-fine) ran. */
  refinement?: RefinementReport;
}

/** The benchmark's unit of a timed run: its cost, the fields every host reports alike, its scores. */
export async function scoreRun(at: BenchSlice, run: TimedRun): Promise<ScoredRun> {
  const { benchCase, data, organ, slice, model } = at;
  const { kind, explanation, wallMs } = run;
  const saliency = planeOf(explanation.result.saliency, slice);
  const scores = await scoreSaliency(at, saliency);
  // The fields every host reports alike (the viewer's card, report.json).
  const shared = reportOf(explanation, model.loaded, data.volume.dimensions);
  const unit: BenchUnit = {
    dataset: benchCase.dataset,
    subject: benchCase.subject,
    organ: organ.organ,
    slice,
    method: kind.coarseToFine ? 'occlusion-c2f' : kind.method,
    variant: kind.variant,
    passes: shared.passes,
    skippedPasses: shared.skippedPasses,
    calls: shared.calls,
    wallMs: round(wallMs, 1),
    explainMs: shared.explainMs,
    roiMs: round(Math.max(0, wallMs - shared.explainMs), 1),
    cpuMs: round(run.cpuMs, 1),
    ortMs: round(run.ortMs, 1),
    ortImages: run.ortImages,
    backend: shared.backend,
    roiSource: shared.roi.source,
    roiFallback: shared.roi.fallbackReason,
    roiFraction: shared.roi.fraction,
    ...scores,
    outsideRoiDrop: nullable(shared.outsideRoiDrop),
    peakRssMb: round(run.peakRssMb, 1),
    methodOptions: shared.methodOptions,
    surrogateR2: nullable(shared.surrogateR2),
    ...(await sanityFigures(at, explanation, at.randomised)),
  };
  at.log(
    `${benchCase.dataset}${benchCase.subject ? ` ${benchCase.subject}` : ''} ${organ.organ} slice ${slice} ` +
      `${unit.method} ${kind.variant}: ${unit.passes} passes, ${(wallMs / 1000).toFixed(1)} s, ` +
      `Dice ${unit.otsu.dice.toFixed(3)}, deletion AUC ${unit.deletionAuc.toFixed(3)}`,
  );
  return {
    unit,
    roi: explanation.roi,
    saliency,
    predicted: planeOf(explanation.result.organMask, slice),
    refinement: explanation.result.refinement,
  };
}
