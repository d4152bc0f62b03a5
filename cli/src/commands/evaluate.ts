import { segmentVolume, overlap } from '@xai-clip/engine';
import { planBatch } from '@xai-clip/runtime';
import { readVolume, withModelFile } from '@xai-clip/io';
import { checkNamedLabelValues } from '../labels/checkNamedLabelValues';
import { labelValueCounts } from '../labels/labelValueCounts';
import { labelWarnings } from '../labels/labelWarnings';
import { parseLabelValues } from '../labels/parseLabelValues';
import { readLabels } from '../labels/readLabels';
import { CommonOptions } from './CommonOptions';
import { emit } from './emit';
import { memoryBudgetOf } from './memoryBudgetOf';
import { withFiniteOutputs } from './withFiniteOutputs';
import { warn } from './warn';

/** `xai-clip evaluate`: per-class Dice and IoU of the model's prediction against --labels. */
export async function evaluate(options: CommonOptions): Promise<void> {
  const labelsPath = options.labels;
  if (!labelsPath) throw new Error('evaluate needs --labels <label volume> to compare the prediction with.');
  const started = Date.now();
  await withModelFile(options.model, options.backend, async (loaded) => {
    const volume = await readVolume(options.input, { allowIrregularSpacing: options.allowIrregularSpacing });
    // One image per model call: fails clearly, before running, when even that does not fit.
    planBatch(loaded.segmenter, volume, 1, memoryBudgetOf(options));
    const truth = await readLabels(labelsPath, volume);
    const classNames = loaded.segmenter.classNames;
    const values = parseLabelValues(options.labelValues, classNames);
    const counts = labelValueCounts(truth.data);
    if (options.labelValues) checkNamedLabelValues(values, counts, labelsPath);
    const predicted = await segmentVolume(volume, withFiniteOutputs(loaded, options.model).segmenter);
    const classes = [...values].map(([name, value]) => {
      const c = classNames.indexOf(name);
      const predictedMask = predicted.data.map((label) => (label === c ? 1 : 0));
      const truthMask = Uint8Array.from(truth.data, (label) => (label === value ? 1 : 0));
      const count = (mask: Uint8Array) => mask.reduce((n, m) => n + m, 0);
      return {
        name,
        labelValue: value,
        ...overlap(predictedMask, truthMask),
        predictedVoxels: count(predictedMask),
        truthVoxels: count(truthMask),
      };
    });
    const warnings = labelWarnings({
      labelsPath,
      counts,
      values,
      guessed: !options.labelValues,
      classNames,
      predicted: new Map(classes.map((c) => [c.name, c.predictedVoxels])),
    });
    warnings.forEach(warn);
    emit(
      options.json,
      {
        model: loaded.manifest.name,
        input: options.input,
        labels: options.labels,
        backend: loaded.backend,
        classes,
        warnings,
        wallMs: Date.now() - started,
      },
      classes
        .map((c) => `${c.name.padEnd(14)} Dice ${c.dice.toFixed(3)}  IoU ${c.iou.toFixed(3)}`)
        .join('\n'),
    );
  });
}
