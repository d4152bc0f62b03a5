import type { ExplanationReport } from '../runtime/reportOf';

/**
 * A SEG's AlgorithmParameters: what the explanation ran with, from its report, so that a SEG
 * saved in the viewer and one written by the CLI say the same for the same run.
 */
export function segParameters(report: ExplanationReport): string {
  return JSON.stringify({
    model: report.model,
    ...report.methodOptions,
    roi: report.roi.source,
    roiShape: report.roi.shape,
    scope: report.scope,
    slices: report.slices,
    interpolatedSlices: report.interpolatedSlices,
  });
}
