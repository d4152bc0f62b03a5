import { checkNamedLabelValues } from './checkNamedLabelValues';
import { describeLabelValues } from './describeLabelValues';
import { parseLabelValues } from './parseLabelValues';

/** The label value the explained organ has in the ground truth, and whether it was guessed. */
export interface OrganLabelValue {
  value: number;
  /** True without --label-values: the value is the organ's class index. */
  guessed: boolean;
  /** Voxels per value of the whole label volume. */
  counts: Map<number, number>;
  labelsPath: string;
}

/**
 * The explained organ's label value: from --label-values, which must name it and a value the
 * labels hold (`counts`: voxels per value of the whole label volume), else its class index.
 */
export function organLabelValue(
  labelValues: string | undefined,
  classNames: readonly string[],
  className: string,
  counts: Map<number, number>,
  labelsPath: string,
): OrganLabelValue {
  const values = parseLabelValues(labelValues, classNames);
  const value = values.get(className);
  if (value === undefined) {
    throw new Error(
      `--label-values ${labelValues} gives no value for ${className}, the organ explained, so its map cannot be ` +
        `scored against ${labelsPath}. Add ${className}=<value> (the labels' values: ${describeLabelValues(counts, labelsPath)}).`,
    );
  }
  if (labelValues) checkNamedLabelValues(new Map([[className, value]]), counts, labelsPath);
  return { value, guessed: !labelValues, counts, labelsPath };
}
