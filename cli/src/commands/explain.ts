import { promises as fs } from 'fs';
import * as path from 'path';
import { SingleBar } from 'cli-progress';
import { explainVolume, ExplainResult } from '../../../extension/src/engine/explain/explainVolume';
import { Scope } from '../../../extension/src/engine/explain/Scope';
import { segmentVolume } from '../../../extension/src/engine/explain/segmentVolume';
import { saliencyOverlap } from '../../../extension/src/engine/metrics/saliencyOverlap';
import { getMethod } from '../../../extension/src/engine/methods';
import { mmToVoxels } from '../../../extension/src/engine/methods/mmToVoxels';
import { FillMode, MethodId } from '../../../extension/src/engine/methods/PerturbationMethod';
import { clipRoi } from '../../../extension/src/engine/roi/clipRoi';
import { Roi, RoiSource } from '../../../extension/src/engine/roi/Roi';
import { roiFromMask } from '../../../extension/src/engine/roi/roiFromMask';
import { Vec3, Volume } from '../../../extension/src/engine/volume/Volume';
import { LoadedModel } from '../../../extension/src/runtime/loadModel';
import { resolveOrgan } from '../../../extension/src/runtime/resolveOrgan';
import { readVolume } from '../io/readVolume';
import { writeNifti } from '../io/writeNifti';
import { parseLabelValues } from '../labels/parseLabelValues';
import { readLabels } from '../labels/readLabels';
import { loadModelFile } from '../runtime/loadModelFile';
import { CommonOptions } from './CommonOptions';
import { emit } from './emit';

export interface ExplainCommandOptions extends CommonOptions {
  organ: string;
  method: MethodId;
  roi: RoiSource;
  scope: Scope;
  slice?: number;
  windowMm?: number;
  strideMm?: number;
  samples?: number;
  marginMm?: number;
  fill: string;
  target: 'sum' | 'softDice';
  batchSize: number;
  seed: number;
  out: string;
}

/**
 * `xai-clip explain`: ROI (CLIP, predicted mask or none) → perturbation explanation →
 * saliency NIfTI on the input's grid + report.json (passes, time, backend, ROI, and Dice/IoU
 * against --labels when given).
 */
export async function explain(options: ExplainCommandOptions): Promise<void> {
  const started = Date.now();
  const method = getMethod(options.method);
  const loaded = await loadModelFile(options.model, options.backend);
  const { classIndex, className } = resolveOrgan(loaded.manifest, options.organ);
  const volume = await readVolume(options.input);
  const labels = options.labels ? await readLabels(options.labels, volume) : undefined;
  const methodOptions = methodOptionsFrom(options);
  const roi = await buildRoi(options, loaded, volume, classIndex, marginVoxels(options, loaded, volume));
  const bar =
    options.json || !process.stderr.isTTY
      ? undefined
      : new SingleBar({ format: ' {bar} {value}/{total} passes | ETA {eta}s', hideCursor: true });
  bar?.start(1, 0);
  let result: ExplainResult;
  try {
    result = await explainVolume(volume, loaded.segmenter, {
      classIndex,
      method: method.id,
      methodOptions,
      roi,
      scope: options.scope,
      slice: options.slice,
      target: options.target,
      fill: parseFill(options.fill),
      batchSize: options.batchSize,
      seed: options.seed,
      onProgress: (p) => {
        bar?.setTotal(p.total);
        bar?.update(p.done);
      },
    });
  } finally {
    bar?.stop();
  }
  await fs.mkdir(options.out, { recursive: true });
  const saliencyPath = path.join(options.out, 'saliency.nii.gz');
  writeNifti(saliencyPath, result.saliency, {
    description: `xai-clip ${method.id} ${className}`,
    intent: 'saliency',
  });
  const report = {
    input: options.input,
    model: loaded.manifest.name,
    organ: className,
    prompt: options.organ,
    method: method.id,
    methodOptions: { ...method.defaults, ...methodOptions },
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
    metrics: labels
      ? metricsAgainst(
          result,
          labels,
          parseLabelValues(options.labelValues, loaded.segmenter.classNames).get(className),
        )
      : undefined,
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

function methodOptionsFrom(options: ExplainCommandOptions): Record<string, number> {
  const set = (key: string, value: number | undefined) => (value === undefined ? {} : { [key]: value });
  if (options.method === 'occlusion')
    return { ...set('windowMm', options.windowMm), ...set('strideMm', options.strideMm) };
  if (options.method === 'rise') return set('masks', options.samples);
  return set('samples', options.samples);
}

/** ROI margin: --margin-mm, at least half the occlusion window; none across slices for 2-D models. */
function marginVoxels(options: ExplainCommandOptions, loaded: LoadedModel, volume: Volume): Vec3 {
  const window = options.method === 'occlusion' ? (options.windowMm ?? 20) : 0;
  const marginMm = Math.max(options.marginMm ?? 10, window / 2);
  const margin = mmToVoxels(marginMm, volume.spacing, volume.dimensions);
  if (loaded.segmenter.dimensionality === 2) margin[2] = 0;
  return margin;
}

async function buildRoi(
  options: ExplainCommandOptions,
  loaded: LoadedModel,
  volume: Volume,
  classIndex: number,
  margin: Vec3,
): Promise<Roi | undefined> {
  if (options.roi === 'none') return undefined;
  if (options.roi === 'mask') {
    const labels = await segmentVolume(volume, loaded.segmenter);
    const mask = labels.data.map((label) => (label === classIndex ? 1 : 0));
    return roiFromMask(
      mask,
      volume.dimensions,
      margin,
      'mask',
      `the model predicts no ${loaded.segmenter.classNames[classIndex]}`,
    );
  }
  if (options.roi !== 'clip') throw new Error(`Unknown ROI mode "${options.roi}". Use clip, mask or none.`);
  if (!loaded.clip) {
    throw new Error(
      `The model "${loaded.manifest.name}" has no CLIP part, so --roi clip is not available; use --roi mask or none.`,
    );
  }
  const className = loaded.segmenter.classNames[classIndex];
  const others = loaded.clip.classes.filter((name) => name !== className);
  const slices =
    options.scope === 'slice' && options.slice !== undefined
      ? [options.slice]
      : Array.from({ length: volume.dimensions[2] }, (_, k) => k);
  const known = loaded.clip.classes.some((name) => name.toLowerCase() === options.organ.toLowerCase());
  return clipRoi(
    volume,
    loaded.clip,
    { target: known ? className : options.organ, others },
    {
      slices,
      margin,
      logitScale: loaded.manifest.clip!.logitScale,
    },
  );
}

function parseFill(text: string): FillMode {
  if (text === 'min' || text === 'mean' || text === 'blur') return text;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--fill must be min, mean, blur or a number, got "${text}".`);
  return value;
}

/** Dice/IoU of the saliency vs the organ's labels, over the voxels of the explained slices only. */
function metricsAgainst(result: ExplainResult, labels: Volume, labelValue: number | undefined) {
  if (labelValue === undefined) return undefined;
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
