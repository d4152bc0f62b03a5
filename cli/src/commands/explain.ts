import { promises as fs } from 'fs';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { ExplainResult } from '../../../extension/src/engine/explain/explainVolume';
import { saliencyOverlap } from '../../../extension/src/engine/metrics/saliencyOverlap';
import { getMethod } from '../../../extension/src/engine/methods';
import { FillMode } from '../../../extension/src/engine/methods/PerturbationMethod';
import { Volume } from '../../../extension/src/engine/volume/Volume';
import { Explanation, ExplainRequest, runExplanation } from '../../../extension/src/runtime/runExplanation';
import { readVolume } from '../io/readVolume';
import { writeNifti } from '../io/writeNifti';
import { parseLabelValues } from '../labels/parseLabelValues';
import { readLabels } from '../labels/readLabels';
import { loadModelFile } from '../runtime/loadModelFile';
import { CommonOptions } from './CommonOptions';
import { emit } from './emit';

export interface ExplainCommandOptions extends CommonOptions, Omit<ExplainRequest, 'fill'> {
  fill: string;
  out: string;
}

/**
 * `xai-clip explain`: ROI (CLIP, predicted mask or none) → perturbation explanation →
 * saliency NIfTI on the input's grid + report.json (passes, time, backend, ROI, and Dice/IoU
 * against --labels when given).
 */
export async function explain(options: ExplainCommandOptions): Promise<void> {
  const started = Date.now();
  const loaded = await loadModelFile(options.model, options.backend);
  const volume = await readVolume(options.input);
  const labels = options.labels ? await readLabels(options.labels, volume) : undefined;
  const bar =
    options.json || !process.stderr.isTTY
      ? undefined
      : new SingleBar({ format: ' {bar} {value}/{total} passes | ETA {eta}s', hideCursor: true });
  bar?.start(1, 0);
  let explanation: Explanation;
  try {
    explanation = await runExplanation(
      loaded,
      volume,
      { ...options, fill: parseFill(options.fill) },
      {
        onProgress: (p) => {
          bar?.setTotal(p.total);
          bar?.update(p.done);
        },
      },
    );
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
  const labelValue = parseLabelValues(options.labelValues, loaded.segmenter.classNames).get(className);
  const report = {
    input: options.input,
    model: loaded.manifest.name,
    organ: className,
    prompt: options.organ,
    method: method.id,
    methodOptions: explanation.methodOptions,
    target: options.target,
    scope: options.scope,
    backend: loaded.backend,
    roi: { source: roi?.source ?? 'none', box: roi?.box, fallbackReason: roi?.fallbackReason },
    slices: result.images.map((image) => image.slice),
    passes: result.passes,
    calls: result.calls,
    explainMs: result.wallMs,
    wallMs: Date.now() - started,
    notes: result.notes,
    metrics: labels && labelValue !== undefined ? metricsAgainst(result, labels, labelValue) : undefined,
    saliency: saliencyPath,
  };
  await fs.writeFile(path.join(options.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  emit(
    options.json,
    report,
    `${method.label} of ${className}: ${result.passes} passes in ${result.wallMs} ms on ${loaded.backend}, ` +
      `ROI ${report.roi.source}${roi?.fallbackReason ? ` (${roi.fallbackReason})` : ''}. Wrote ${saliencyPath}` +
      (report.metrics
        ? `\nDice/IoU vs labels: Otsu ${fmt(report.metrics.otsu)}, top-|GT| ${fmt(report.metrics.topGt)}`
        : ''),
  );
}

function fmt(score: { dice: number; iou: number }): string {
  return `${score.dice.toFixed(3)}/${score.iou.toFixed(3)}`;
}

function parseFill(text: string): FillMode {
  if (text === 'min' || text === 'mean' || text === 'blur') return text;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--fill must be min, mean, blur or a number, got "${text}".`);
  return value;
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
