import { ProgressCallback, saliencyOverlap, SanityReport } from '@xai-clip/engine';
import { LoadedModel, ExplanationReport, ExplainRequest, FaithfulnessReport } from '@xai-clip/runtime';
import type { DicomSeriesMeta } from '@xai-clip/io';
import { ParametricMapReport, SegExportOptions, SegExportReport } from '../seg/prepareSegExport';
import { CommonOptions } from './CommonOptions';
import type { PeakSource } from './trackPeakRss';

export interface ExplainCommandOptions
  extends CommonOptions, Omit<ExplainRequest, 'fill' | 'targetRegion'>, SegExportOptions {
  fill: string;
  /** --target-region: a component number (largest first), or a label file (`file` or `file:value`). */
  targetRegion?: string;
  out: string;
  /** Cohorts: `i/n`, this machine's share of the cases. */
  shard?: string;
  /** --method-option values by name (the request's methodOptions). */
  methodOption?: Record<string, string>;
  /** Coarse-to-fine occlusion: coarse window factor and refinement level. */
  coarseFactor?: number;
  refineFraction?: number;
  /** Also measure the map's faithfulness (runFaithfulness) into report.json. */
  faithfulness?: boolean;
  /** Also write the one-page HTML report here (one image only). */
  report?: string;
  /** Run the sanity checks after the explanation (--sanity-steps: randomisation steps, --sanity-repeats: seeds). */
  sanity?: boolean;
  sanitySteps?: number;
  sanityRepeats?: number;
}

/** What a cohort run hands to each case: the model loaded once, its progress display, a resume key. */
export interface CaseContext {
  loaded?: LoadedModel;
  onProgress?: ProgressCallback;
  /** Stored in report.json; a cohort re-run skips the case when it matches. */
  resumeKey?: string;
  /** No summary on stdout (the cohort prints its own). */
  quiet?: boolean;
}

/** One explained image's report.json: the shared report plus what the CLI wrote and measured. */
export interface CaseReport extends ExplanationReport {
  input: string;
  /** The organ as typed (a class name or one of its prompts). */
  prompt: string;
  target?: ExplainRequest['target'];
  wallMs: number;
  /**
   * The process's peak resident memory during this case, the loaded model included (`maxRSS`: the
   * kernel's high-water mark, reset at the case's start; elsewhere the resident size at its end).
   */
  peakRss: { bytes: number; source: PeakSource };
  /** Dice/IoU of the map against --labels on the explained slices. */
  metrics?: ReturnType<typeof saliencyOverlap>;
  /** What makes `metrics` doubtful: the organ absent from the labels where explained, a guessed label value. */
  labelWarnings?: string[];
  saliency: string;
  overlay: { path: string; slices: number[] };
  seg?: SegExportReport;
  pmap?: ParametricMapReport;
  /** With --faithfulness: deletion/insertion AUC, their random-order baseline and the pointing game. */
  faithfulness?: FaithfulnessReport;
  /** With --report: the HTML report written. */
  htmlReport?: string;
  /** The sanity checks of the map (--sanity). */
  sanity?: SanityReport;
  /** A DICOM series' slice spacing: its mean, gaps and deviation (read on one spacing with --allow-irregular-spacing). */
  spacingReport?: DicomSeriesMeta['spacingReport'];
  /** The resolved request a cohort re-run compares to skip this case. */
  resumeKey?: string;
}
