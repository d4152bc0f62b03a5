import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { getMethod, ProgressCallback, SanityReport } from '@xai-clip/engine';
import { sanityRows } from '@xai-clip/report';
import {
  describeBatch,
  FaithfulnessReport,
  LoadedModel,
  reportOf,
  resolveOrgan,
  resolveRequest,
  runExplanation,
  runFaithfulness,
  runSanityChecks,
} from '@xai-clip/runtime';
import { segParameters } from '@xai-clip/seg';
import { readVolume, writeNifti, withModelFile } from '@xai-clip/io';
import { explainCohort } from '../cohort/explainCohort';
import { isCohortInput } from '../cohort/listCohort';
import { mostSalientSlices, renderOverlayPng } from '../cohort/overlayPng';
import { labelValueCounts } from '../labels/labelValueCounts';
import { organLabelValue } from '../labels/organLabelValue';
import { readLabels } from '../labels/readLabels';
import { saliencyAgainstLabels } from '../labels/saliencyAgainstLabels';
import { targetRegionOfLabels } from '../labels/targetRegionOfLabels';
import { StagedOutputs } from '../outputs/StagedOutputs';
import { prepareSegExport, SegExport } from '../seg/prepareSegExport';
import { checkExplainOutputs } from './checkExplainOutputs';
import { clampMarginToImage } from './clampMarginToImage';
import { checkExplainOutputSpace } from './checkExplainOutputSpace';
import { checkRequestFitsImage } from './checkRequestFitsImage';
import { trackPeakRss } from './trackPeakRss';
import { emit } from './emit';
import { memoryBudgetOf } from './memoryBudgetOf';
import { CaseContext, CaseReport, ExplainCommandOptions } from './ExplainCommandOptions';
import { requestOf } from './requestOf';
import { withFiniteOutputs } from './withFiniteOutputs';
import { warn } from './warn';
import { writeHtmlReport } from './writeHtmlReport';

/**
 * `xai-clip explain`: ROI (CLIP, predicted mask or none) → perturbation explanation →
 * saliency NIfTI on the input's grid + report.json (passes, time, backend, ROI, and Dice/IoU
 * against --labels when given).
 */
export async function explain(options: ExplainCommandOptions): Promise<void> {
  if (isCohortInput(options.input) && options.report) {
    throw new Error(
      `--report writes the report of one image, but ${options.input} is a cohort. Explain one case with --report, or leave it out.`,
    );
  }
  if (isCohortInput(options.input)) return explainCohort(options, explainOne);
  if (options.shard) {
    throw new Error(
      `--shard splits a cohort, but ${options.input} is one image. Give a folder of NIfTI files or DICOM series, or a list file.`,
    );
  }
  await explainOne(options);
}

/** Explains one image (NIfTI file or DICOM series) into `options.out`; returns its report. */
export async function explainOne(
  options: ExplainCommandOptions,
  context: CaseContext = {},
): Promise<CaseReport> {
  checkExplainOutputs(options);
  if (context.loaded) return explainWith(withFiniteOutputs(context.loaded, options.model), options, context);
  return withModelFile(options.model, options.backend, (loaded) =>
    explainWith(withFiniteOutputs(loaded, options.model), options, context),
  );
}

async function explainWith(
  loaded: LoadedModel,
  options: ExplainCommandOptions,
  context: CaseContext,
): Promise<CaseReport> {
  const started = Date.now();
  // What one case needs, model included: a job's memory request (docs/cluster.md) is sized by it.
  const peakRssSinceStart = trackPeakRss();
  const volume = await readVolume(options.input, { allowIrregularSpacing: options.allowIrregularSpacing });
  const labels = options.labels ? await readLabels(options.labels, volume) : undefined;
  const classNames = loaded.segmenter.classNames;
  // Checked before minutes of perturbations: --label-values must name the organ and a value the labels hold.
  const organLabel =
    labels &&
    organLabelValue(
      options.labelValues,
      classNames,
      resolveOrgan(loaded.manifest, options.organ).className,
      labelValueCounts(labels.data),
      options.labels!,
    );
  const exportDicom = prepareSegExport(options, volume); // fails now if --seg/--pmap cannot work on this input
  const request = requestOf(options);
  if (options.targetRegion !== undefined && !request.targetRegion) {
    request.targetRegion = await targetRegionOfLabels(options.targetRegion, volume);
  }
  const marginNote = clampMarginToImage(request, volume);
  if (marginNote && !context.quiet) process.stderr.write(`xai-clip: note: ${marginNote}\n`);
  checkRequestFitsImage(resolveRequest(request), volume, options.input);
  checkExplainOutputSpace(options, volume);
  const explanation = await withProgress(options, context, (onProgress) =>
    runExplanation(loaded, volume, request, { onProgress, memoryBudgetBytes: memoryBudgetOf(options) }),
  );
  const sanity =
    options.sanity &&
    (await withProgress(options, context, (onProgress) =>
      runSanityChecks(
        loaded,
        volume,
        explanation,
        { onProgress },
        { randomisationSteps: options.sanitySteps, repeats: options.sanityRepeats },
      ),
    ));
  const { result, roi, className } = explanation;
  // Also in report.json's notes; said here too, since a smaller batch makes the run slower.
  if (explanation.batch.note && !context.quiet) process.stderr.write(`xai-clip: ${explanation.batch.note}\n`);
  const method = getMethod(options.method);
  const saliencyPath = path.join(options.out, 'saliency.nii.gz');
  const overlayPath = path.join(options.out, 'overlay.png');
  const overlaySlices = mostSalientSlices(result.saliency, result.explainedSlices, 3);
  const shared = reportOf(explanation, loaded, volume.dimensions);
  const scored =
    labels && organLabel && saliencyAgainstLabels(result, labels, { ...organLabel, className, classNames });
  scored?.warnings.forEach(warn);
  // On the run's own target, with the map as written.
  const faithfulness =
    options.faithfulness &&
    (await withProgress(options, context, (onProgress) =>
      runFaithfulness(
        loaded,
        volume,
        { request, saliency: result.saliency.data, roiMask: roi?.mask, report: shared },
        { randomBaseline: true },
        { onProgress, memoryBudgetBytes: memoryBudgetOf(options) },
      ),
    ));
  // Every file of the case goes under a temporary name, and into place only once all are written.
  const outputs = new StagedOutputs();
  let dicom: Awaited<ReturnType<SegExport>> | undefined;
  let report: CaseReport;
  try {
    writeNifti(outputs.pathFor(saliencyPath), result.saliency, {
      description: `xai-clip ${method.id} ${className}`,
      intent: 'saliency',
    });
    await outputs.write(overlayPath, renderOverlayPng(volume, result.saliency, overlaySlices).png);
    dicom = await exportDicom?.(
      result.saliency.data,
      { method: method.id, organ: className, parameters: segParameters(shared) },
      (file, bytes) => outputs.write(file, bytes),
    );
    const peakRss = peakRssSinceStart();
    report = {
      input: options.input,
      prompt: options.organ,
      target: options.target,
      ...shared,
      wallMs: Date.now() - started,
      peakRss: { bytes: peakRss.peakBytes, source: peakRss.source },
      metrics: scored?.metrics,
      labelWarnings: scored?.warnings,
      saliency: saliencyPath,
      overlay: { path: overlayPath, slices: overlaySlices },
      seg: dicom?.seg,
      pmap: dicom?.pmap,
      faithfulness: faithfulness || undefined,
      htmlReport: options.report,
      ...(sanity ? { sanity } : {}),
      spacingReport: volume.meta?.spacingReport,
      resumeKey: context.resumeKey,
    };
    if (options.report) {
      await writeHtmlReport(outputs.pathFor(options.report), {
        report,
        settings: explanation.request,
        volume,
        saliency: result.saliency,
        modelManifest: options.model,
      });
    }
    // Staged last, so renamed last: a report on disk means a finished case.
    await outputs.write(path.join(options.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    outputs.commit();
  } finally {
    outputs.discard(); // after a commit there is nothing left to discard
  }
  if (dicom?.error) throw dicom.error; // e.g. PACS down: the DICOM files and the report are written
  if (context.quiet) return report;
  emit(
    options.json,
    report,
    `${method.label} of ${report.targetLabel}: ${result.passes} passes in ${result.wallMs} ms on ${loaded.backend}, ${describeBatch(report)}` +
      (result.skippedPasses > 0
        ? ` (${result.skippedPasses} perturbations changed nothing the model sees: skipped)`
        : '') +
      ', ' +
      `ROI ${report.roi.source}${roi?.fallbackReason ? ` (${roi.fallbackReason})` : ''}` +
      (report.outsideRoiDrop !== undefined
        ? `; replacing everything outside it changes the organ score by ${(-100 * report.outsideRoiDrop).toFixed(1)} %`
        : '') +
      (report.surrogateR2 !== undefined
        ? `; the linear surrogate predicts held-out samples with R² ${report.surrogateR2.toFixed(3)}`
        : '') +
      (report.faithfulness ? `\n${describeFaithfulness(report.faithfulness)}` : '') +
      `. Wrote ${saliencyPath}, ${overlayPath}${options.report ? `, ${options.report}` : ''}` +
      report.notes.map((note) => `\n${note}`).join('') +
      (dicom?.seg ? `\nWrote DICOM SEG ${dicom.seg.path}${storedAt(dicom.seg)}` : '') +
      (dicom?.pmap ? `\nWrote DICOM Parametric Map ${dicom.pmap.path}${storedAt(dicom.pmap)}` : '') +
      (report.metrics
        ? `\nDice/IoU vs labels: Otsu ${fmt(report.metrics.otsu)}, top-|GT| ${fmt(report.metrics.topGt)}`
        : '') +
      (sanity
        ? sanityLines(sanity)
            .map((line) => `\n${line}`)
            .join('')
        : ''),
  );
  return report;
}

/** One line per sanity check: its name, verdict and sentence. */
function sanityLines(sanity: SanityReport): string[] {
  return sanityRows(sanity).map((row) => `Sanity, ${row.name.toLowerCase()}: ${row.status}. ${row.summary}`);
}

/**
 * Runs `work` with a progress bar on stderr (a terminal, no --json, no cohort display), or the
 * cohort's progress callback.
 */
async function withProgress<T>(
  options: ExplainCommandOptions,
  context: CaseContext,
  work: (onProgress: ProgressCallback) => Promise<T>,
): Promise<T> {
  const bar =
    options.json || !process.stderr.isTTY || context.onProgress
      ? undefined
      : new SingleBar({ format: ' {bar} {value}/{total} passes | ETA {eta}s', hideCursor: true });
  bar?.start(1, 0);
  try {
    return await work((p) => {
      bar?.setTotal(p.total);
      bar?.update(p.done);
      context.onProgress?.(p);
    });
  } finally {
    bar?.stop();
  }
}

function describeFaithfulness(figures: FaithfulnessReport): string {
  const { random, pointingGame } = figures;
  return (
    `Faithfulness: deletion AUC ${figures.deletionAuc.toFixed(3)} (random order ${random!.deletionAuc.toFixed(3)}, lower is better), ` +
    `insertion AUC ${figures.insertionAuc.toFixed(3)} (random order ${random!.insertionAuc.toFixed(3)}, higher is better), ` +
    `pointing game ${pointingGame.hits}/${pointingGame.images}, ${figures.passes} passes`
  );
}

function storedAt(object: { stow?: { root: string } }): string {
  return object.stow ? ` and stored it at ${object.stow.root}` : '';
}

function fmt(score: { dice: number; iou: number }): string {
  return `${score.dice.toFixed(3)}/${score.iou.toFixed(3)}`;
}
