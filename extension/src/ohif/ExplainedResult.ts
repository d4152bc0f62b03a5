import { SanityReport } from '../engine/sanity/SanityReport';
import { ExplainRequest } from '../runtime/ExplainRequest';
import { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import { ExplanationReport } from '../runtime/reportOf';
import { SeriesLayout } from './SeriesLayout';

/**
 * The last explanation, kept for its overlays and for Save as DICOM SEG. The maps are the main
 * thread's (the worker transferred them back); the series is kept as its layout, without voxels.
 */
export interface ExplainedResult {
  series: SeriesLayout;
  /** On the series' grid, like every map here. */
  saliency: Float32Array;
  organMask: Uint8Array;
  /** A mask-shaped ROI's region; absent for a box ROI. */
  roiMask?: Uint8Array;
  report: ExplanationReport;
  /** The request the run was made with: its analyses measure on the same target. */
  request: ExplainRequest;
  /** The run's faithfulness figures, once measured (they stay with the run). */
  faithfulness?: FaithfulnessReport;
  /** The run's sanity checks, once run (they stay with the run). */
  sanity?: SanityReport;
}
