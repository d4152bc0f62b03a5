import { promises as fs } from 'fs';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { getMethod, ProgressCallback, SanityCheck, SanityReport } from '@xai-clip/engine';
import {
  describeBatch,
  LoadedModel,
  reportOf,
  resolveOrgan,
  runExplanation,
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
import { prepareSegExport } from '../seg/prepareSegExport';
import { emit } from './emit';
import { memoryBudgetOf } from './memoryBudgetOf';
import { CaseContext, CaseReport, ExplainCommandOptions } from './ExplainCommandOptions';
import { requestOf } from './requestOf';
import { warn } from './warn';

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
export async function explainOne(
  options: ExplainCommandOptions,
  context: CaseContext = {},
): Promise<CaseReport> {
  if (context.loaded) return explainWith(context.loaded, options, context);
  return withModelFile(options.model, options.backend, (loaded) => explainWith(loaded, options, context));
}

async function explainWith(
  loaded: LoadedModel,
  options: ExplainCommandOptions,
  context: CaseContext,
): Promise<CaseReport> {
  const started = Date.now();
  const volume = await readVolume(options.input);
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
  const explanation = await withProgressBar(options, context, (onProgress) =>
    runExplanation(loaded, volume, requestOf(options), {
      onProgress,
      memoryBudgetBytes: memoryBudgetOf(options),
    }),
  );
  const sanity =
    options.sanity &&
    (await withProgressBar(options, context, (onProgress) =>
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
  await fs.mkdir(options.out, { recursive: true });
  const saliencyPath = path.join(options.out, 'saliency.nii.gz');
  writeNifti(saliencyPath, result.saliency, {
    description: `xai-clip ${method.id} ${className}`,
    intent: 'saliency',
  });
  const overlayPath = path.join(options.out, 'overlay.png');
  const overlaySlices = mostSalientSlices(result.saliency, result.explainedSlices, 3);
  await fs.writeFile(overlayPath, renderOverlayPng(volume, result.saliency, overlaySlices).png);
  const shared = reportOf(explanation, loaded, volume.dimensions);
  const dicom = await exportDicom?.(result.saliency.data, {
    method: method.id,
    organ: className,
    parameters: segParameters(shared),
  });
  const scored =
    labels && organLabel && saliencyAgainstLabels(result, labels, { ...organLabel, className, classNames });
  scored?.warnings.forEach(warn);
  const report: CaseReport = {
    input: options.input,
    prompt: options.organ,
    target: options.target,
    ...shared,
    wallMs: Date.now() - started,
    metrics: scored?.metrics,
    labelWarnings: scored?.warnings,
    saliency: saliencyPath,
    overlay: { path: overlayPath, slices: overlaySlices },
    seg: dicom?.seg,
    pmap: dicom?.pmap,
    ...(sanity ? { sanity } : {}),
    resumeKey: context.resumeKey,
  };
  // Written last and whole (rename), so a report on disk means a finished case.
  const reportPath = path.join(options.out, 'report.json');
  await fs.writeFile(`${reportPath}.partial`, `${JSON.stringify(report, null, 2)}\n`);
  await fs.rename(`${reportPath}.partial`, reportPath);
  if (dicom?.error) throw dicom.error; // e.g. PACS down: the DICOM files and the report are written
  if (context.quiet) return report;
  emit(
    options.json,
    report,
    `${method.label} of ${className}: ${result.passes} passes in ${result.wallMs} ms on ${loaded.backend}, ${describeBatch(report)}` +
      (result.skippedPasses > 0
        ? ` (${result.skippedPasses} perturbations changed nothing the model sees: skipped)`
        : '') +
      ', ' +
      `ROI ${report.roi.source}${roi?.fallbackReason ? ` (${roi.fallbackReason})` : ''}` +
      (report.outsideRoiDrop !== undefined
        ? `; replacing everything outside it changes the organ score by ${(-100 * report.outsideRoiDrop).toFixed(1)} %`
        : '') +
      `. Wrote ${saliencyPath}, ${overlayPath}` +
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
  const checks: [string, SanityCheck<unknown> | undefined][] = [
    ['parameter randomisation', sanity.parameterRandomisation],
    ['input independence', sanity.inputIndependence],
    ['repeat stability', sanity.repeatStability],
  ];
  return checks.flatMap(([name, check]) =>
    check ? [`Sanity, ${name}: ${check.status}. ${check.summary}`] : [],
  );
}

/**
 * Runs `work` with a progress bar of its passes on stderr (a terminal, no --json, no cohort
 * display), passing the progress on to a cohort's display.
 */
async function withProgressBar<R>(
  options: ExplainCommandOptions,
  context: CaseContext,
  work: (onProgress: ProgressCallback) => Promise<R>,
): Promise<R> {
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

function storedAt(object: { stow?: { root: string } }): string {
  return object.stow ? ` and stored it at ${object.stow.root}` : '';
}

function fmt(score: { dice: number; iou: number }): string {
  return `${score.dice.toFixed(3)}/${score.iou.toFixed(3)}`;
}
