import { promises as fs } from 'fs';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { ExplainResult } from '../../../extension/src/engine/explain/explainVolume';
import { ProgressCallback } from '../../../extension/src/engine/evaluate/ProgressTracker';
import { saliencyOverlap } from '../../../extension/src/engine/metrics/saliencyOverlap';
import { getMethod } from '../../../extension/src/engine/methods';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { LoadedModel } from '../../../extension/src/runtime/loadModel';
import { reportOf } from '../../../extension/src/runtime/reportOf';
import { Explanation, ExplainRequest, runExplanation } from '../../../extension/src/runtime/runExplanation';
import { segParameters } from '../../../extension/src/seg/segParameters';
import { explainCohort } from '../cohort/explainCohort';
import { isCohortInput } from '../cohort/listCohort';
import { mostSalientSlices, renderOverlayPng } from '../cohort/overlayPng';
import { readVolume } from '../io/readVolume';
import { writeNifti } from '../io/writeNifti';
import { parseLabelValues } from '../labels/parseLabelValues';
import { readLabels } from '../labels/readLabels';
import { loadModelFile } from '../runtime/loadModelFile';
import { prepareSegExport, SegExportOptions } from '../seg/prepareSegExport';
import { CommonOptions } from './CommonOptions';
import { emit } from './emit';
import { requestOf } from './requestOf';

export interface ExplainCommandOptions extends CommonOptions, Omit<ExplainRequest, 'fill'>, SegExportOptions {
  fill: string;
  out: string;
  /** Cohorts: `i/n`, this machine's share of the cases. */
  shard?: string;
  /** Coarse-to-fine occlusion: coarse window factor and refinement level. */
  coarseFactor?: number;
  refineFraction?: number;
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

/**
 * `xai-clip explain`: ROI (CLIP, predicted mask or none) → perturbation explanation →
 * saliency NIfTI on the input's grid + report.json (passes, time, backend, ROI, and Dice/IoU
 * against --labels when given).
 */
export async function explain(options: ExplainCommandOptions): Promise<void> {
  if (isCohortInput(options.input)) return explainCohort(options, explainOne);
  if (options.shard) {
    throw new Error(
      `--shard splits a cohort, but ${options.input} is one image. Give a folder of NIfTI files or DICOM series, or a list file.`,
    );
  }
  await explainOne(options);
}

/** Explains one image (NIfTI file or DICOM series) into `options.out`; returns its report. */
export async function explainOne(options: ExplainCommandOptions, context: CaseContext = {}) {
  const started = Date.now();
  const loaded = context.loaded ?? (await loadModelFile(options.model, options.backend));
  const volume = await readVolume(options.input);
  const labels = options.labels ? await readLabels(options.labels, volume) : undefined;
  const exportSeg = prepareSegExport(options, volume); // fails now if --seg cannot work on this input
  const bar =
    options.json || !process.stderr.isTTY || context.onProgress
      ? undefined
      : new SingleBar({ format: ' {bar} {value}/{total} passes | ETA {eta}s', hideCursor: true });
  bar?.start(1, 0);
  let explanation: Explanation;
  try {
    explanation = await runExplanation(loaded, volume, requestOf(options), {
      onProgress: (p) => {
        bar?.setTotal(p.total);
        bar?.update(p.done);
        context.onProgress?.(p);
      },
    });
  } finally {
    bar?.stop();
  }
  const { result, roi, className } = explanation;
  const method = getMethod(options.method);
  await fs.mkdir(options.out, { recursive: true });
  const saliencyPath = path.join(options.out, 'saliency.nii.gz');
  writeNifti(saliencyPath, result.saliency, {
    description: `xai-clip ${method.id} ${className}`,
    intent: 'saliency',
  });
  const overlayPath = path.join(options.out, 'overlay.png');
  const explained = result.images.flatMap((image) => (image.slice === null ? [] : [image.slice]));
  const overlaySlices = mostSalientSlices(
    result.saliency,
    explained.length ? explained : Array.from({ length: volume.dimensions[2] }, (_, k) => k),
    3,
  );
  await fs.writeFile(overlayPath, renderOverlayPng(volume, result.saliency, overlaySlices).png);
  const shared = reportOf(explanation, loaded, volume.dimensions);
  const seg = await exportSeg?.(result.saliency.data, {
    method: method.id,
    organ: className,
    parameters: segParameters(shared),
  });
  const labelValue = parseLabelValues(options.labelValues, loaded.segmenter.classNames).get(className);
  const report = {
    input: options.input,
    prompt: options.organ,
    target: options.target,
    ...shared,
    wallMs: Date.now() - started,
    metrics: labels && labelValue !== undefined ? metricsAgainst(result, labels, labelValue) : undefined,
    saliency: saliencyPath,
    overlay: { path: overlayPath, slices: overlaySlices },
    seg: seg?.report,
    resumeKey: context.resumeKey,
  };
  // Written last and whole (rename), so a report on disk means a finished case.
  const reportPath = path.join(options.out, 'report.json');
  await fs.writeFile(`${reportPath}.partial`, `${JSON.stringify(report, null, 2)}\n`);
  await fs.rename(`${reportPath}.partial`, reportPath);
  if (seg?.error) throw seg.error; // e.g. PACS down: the SEG file and the report are written
  if (context.quiet) return report;
  emit(
    options.json,
    report,
    `${method.label} of ${className}: ${result.passes} passes in ${result.wallMs} ms on ${loaded.backend}, ` +
      `ROI ${report.roi.source}${roi?.fallbackReason ? ` (${roi.fallbackReason})` : ''}` +
      (report.outsideRoiDrop !== undefined
        ? `; replacing everything outside it changes the organ score by ${(-100 * report.outsideRoiDrop).toFixed(1)} %`
        : '') +
      `. Wrote ${saliencyPath}, ${overlayPath}` +
      (seg
        ? `\nWrote DICOM SEG ${seg.report.path}${seg.report.stow ? ` and stored it at ${seg.report.stow.root}` : ''}`
        : '') +
      (report.metrics
        ? `\nDice/IoU vs labels: Otsu ${fmt(report.metrics.otsu)}, top-|GT| ${fmt(report.metrics.topGt)}`
        : ''),
  );
  return report;
}

export type CaseReport = Awaited<ReturnType<typeof explainOne>>;

function fmt(score: { dice: number; iou: number }): string {
  return `${score.dice.toFixed(3)}/${score.iou.toFixed(3)}`;
}

/** Dice/IoU of the saliency vs the organ's labels, over the voxels of the explained slices only. */
function metricsAgainst(result: ExplainResult, labels: Volume, labelValue: number) {
  const plane = result.saliency.dimensions[0] * result.saliency.dimensions[1];
  const ranges = result.images.map((image) =>
    image.slice === null
      ? [0, result.saliency.data.length]
      : [image.slice * plane, (image.slice + 1) * plane],
  );
  const total = ranges.reduce((sum, [a, b]) => sum + b - a, 0);
  const pick = (data: ArrayLike<number>) => {
    const out = new Float32Array(total);
    let o = 0;
    for (const [a, b] of ranges) for (let v = a; v < b; v++) out[o++] = data[v];
    return out;
  };
  const truth = pick(labels.data).map((value) => (value === labelValue ? 1 : 0));
  return saliencyOverlap(pick(result.saliency.data), truth);
}
