import { outsideRoiDrop } from '../engine/explain/outsideRoiDrop';
import { Scope } from '../engine/explain/Scope';
import { MethodId } from '../engine/methods/PerturbationMethod';
import { roiShapeOf } from '../engine/roi/Roi';
import { Box } from '../engine/volume/Box';
import { Vec3 } from '../engine/volume/Volume';
import { ExplainedTarget } from './ExplainedTarget';
import { LoadedModel } from './loadModel';
import { roiShare } from './roiShare';
import { Explanation } from './runExplanation';

/**
 * What one explanation did, the same from every host: the viewer's result card, the CLI's
 * report.json and the SEG's algorithm parameters are built from it, each host adding only its own
 * fields (paths, labels' metrics, the total wall time).
 */
export interface ExplanationReport {
  /** The model manifest's name. */
  model: string;
  organ: string;
  /** What was explained: the predicted organ, one of its components, or a given region. */
  explainedTarget: ExplainedTarget;
  /** `explainedTarget` in words, e.g. "liver component 2 of 3 (14.2 mL)". */
  targetLabel: string;
  method: MethodId;
  /** The method's options as run: its defaults with the request's values over them. */
  methodOptions: object;
  scope: Scope;
  backend: string;
  fallbackReason?: string;
  /** Forward passes run. */
  passes: number;
  /** Perturbations not run: they left the network input unperturbed (drop 0, same map). */
  skippedPasses: number;
  calls: number;
  /** The explanation's own time (ROI and perturbations), ms. */
  explainMs: number;
  /** The explained slices (for a 3-D model: the part of the volume its figures refer to). */
  slices: number[];
  /** The slices of `slices` whose map a slice stride interpolated (unperturbed); absent when none. */
  interpolatedSlices?: number[];
  /** `box`, `voxels` and `fraction`: the ROI on the explained slices. */
  roi: {
    source: string;
    /** 'mask': the region itself; 'box': its bounding box. Absent without an ROI. */
    shape?: 'mask' | 'box';
    /** The ROI's box cut to the explained slices (volume grid). */
    box?: Box;
    fallbackReason?: string;
    voxels: number;
    fraction: number;
  };
  /** Per explained image: its slice (null: a 3-D model's volume) and ROI box (bounding a region ROI) in that image's coordinates. */
  roiBoxes: { slice: number | null; box: Box }[];
  /** The organ score's fall when everything outside the ROI is replaced by the fill; absent without an ROI. */
  outsideRoiDrop?: number;
  /**
   * LIME: its linear surrogate's held-out R² (5-fold, kernel-weighted), the mean over the explained
   * images where it could be measured: near 1, the map is a faithful linear summary of the model
   * there; near 0 or below, it is not. Absent for the other methods.
   */
  surrogateR2?: number;
  /** Whether the map ranks the outside of the ROI (occlusion's coarse tiles) or leaves it 0. */
  outsideRanked: boolean;
  /** The batch size that ran; with an auto batch, the ms per pass of the sizes tried (empty: an earlier run's choice). */
  batch: { size: number; msPerPass?: Record<number, number> };
  notes: string[];
}

/** The report of `explanation`, run by `loaded` on a volume of `dimensions`. */
export function reportOf(explanation: Explanation, loaded: LoadedModel, dimensions: Vec3): ExplanationReport {
  const { result, roi } = explanation;
  // Of what was explained, not of the series: the ROI's box also spans the CLIP's context slices.
  const slices = result.explainedSlices;
  const share = roiShare(result.images, slices, dimensions);
  return {
    model: loaded.manifest.name,
    organ: explanation.className,
    explainedTarget: explanation.explainedTarget,
    targetLabel: explanation.targetLabel,
    method: explanation.request.method,
    methodOptions: explanation.methodOptions,
    scope: explanation.request.scope,
    backend: loaded.backend,
    fallbackReason: loaded.fallbackReason,
    passes: result.passes,
    skippedPasses: result.skippedPasses,
    calls: result.calls,
    explainMs: result.wallMs,
    slices,
    ...(result.interpolatedSlices ? { interpolatedSlices: result.interpolatedSlices } : {}),
    roi: {
      source: roi?.source ?? 'none',
      shape: roi && roiShapeOf(roi),
      box: roi && {
        min: [roi.box.min[0], roi.box.min[1], Math.max(roi.box.min[2], slices[0])],
        max: [roi.box.max[0], roi.box.max[1], Math.min(roi.box.max[2], slices[slices.length - 1] + 1)],
      },
      fallbackReason: roi?.fallbackReason,
      voxels: share.voxels,
      fraction: share.fraction,
    },
    roiBoxes: result.images.map((image) => ({ slice: image.slice, box: image.roi })),
    outsideRoiDrop: outsideRoiDrop(result.images),
    ...surrogateR2Of(result.images),
    outsideRanked: explanation.outsideRanked,
    batch: { size: explanation.batch.batchSize, msPerPass: explanation.batch.auto?.msPerPass },
    notes: result.notes,
  };
}

/** The mean of the images' measured surrogate R² (`surrogateR2`), or nothing where none was measured. */
function surrogateR2Of(images: Explanation['result']['images']): Pick<ExplanationReport, 'surrogateR2'> {
  const measured = images.flatMap((image) =>
    image.surrogateR2 !== undefined && Number.isFinite(image.surrogateR2) ? [image.surrogateR2] : [],
  );
  return measured.length > 0
    ? { surrogateR2: measured.reduce((sum, r2) => sum + r2, 0) / measured.length }
    : {};
}
