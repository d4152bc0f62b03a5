import { describeLabelValues } from './describeLabelValues';

/** What a comparison with ground truth used: the label volume's values and the classes compared. */
export interface LabelComparison {
  labelsPath: string;
  /** Voxels per value in the compared part of the label volume. */
  counts: Map<number, number>;
  /** The compared classes by their label value. */
  values: Map<string, number>;
  /** True when no --label-values was given and the values are the class indices. */
  guessed: boolean;
  /** The model's classes (index = class index). */
  classNames: readonly string[];
  /** Voxels the model predicts per compared class. */
  predicted: Map<string, number>;
  /** Where the labels were looked at, for the messages: '' (all of them) or e.g. ' on the explained slices'. */
  where?: string;
  /** Voxels per value in the whole label volume, when `counts` are of a part of it. */
  allCounts?: Map<number, number>;
}

/**
 * Warnings about a ground-truth comparison that would otherwise give a plausible-looking but
 * meaningless number: a compared class the model predicts but the labels do not hold (Dice 0
 * against nothing), and a binary mask whose 1s were taken, by the class-index default, for
 * class 1 of a model with several organs.
 */
export function labelWarnings(comparison: LabelComparison): string[] {
  const { labelsPath, counts, values, guessed, classNames, predicted, where = '' } = comparison;
  const allCounts = comparison.allCounts ?? counts;
  const warnings: string[] = [];
  const nonZero = [...counts.keys()].filter((value) => value !== 0);
  const first = classNames[1];
  if (guessed && classNames.length > 2 && values.has(first) && nonZero.length === 1 && nonZero[0] === 1) {
    warnings.push(
      `The labels ${labelsPath} hold one organ value (1)${where}; without --label-values it is compared with ` +
        `class 1, ${first} (label value = class index). If the mask is another organ, pass --label-values <organ>=1 ` +
        `(the model's organs: ${classNames.slice(1).join(', ')}).`,
    );
  }
  for (const [name, value] of values) {
    const voxels = predicted.get(name) ?? 0;
    if (counts.has(value) || voxels === 0) continue;
    const why = guessed ? `, ${name}'s class index, which is the default without --label-values` : '';
    warnings.push(
      `The labels ${labelsPath} have no voxel of value ${value}${why}${where}, but the model predicts ` +
        `${voxels.toLocaleString('en-US')} voxels of ${name}: its Dice/IoU compare with an empty ground truth. ` +
        `The labels' values${where}: ${describeLabelValues(counts, labelsPath)}. ` +
        (allCounts.has(value)
          ? `They hold ${value} elsewhere: explain where they have ${name}, or check that they belong to this image.`
          : `Pass --label-values ${name}=<the value of its voxels>.`),
    );
  }
  return warnings;
}
