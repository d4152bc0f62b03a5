import { describeLabelValues } from './describeLabelValues';

/**
 * Refuses --label-values that name a value the label volume does not hold (e.g. liver=255 on
 * 0/1 masks), which would otherwise score against an empty ground truth: Dice 0, silently.
 * `named`: the classes the command compares, by their --label-values value.
 */
export function checkNamedLabelValues(
  named: Map<string, number>,
  counts: Map<number, number>,
  labelsPath: string,
): void {
  const missing = [...named].filter(([, value]) => !counts.has(value));
  if (missing.length === 0) return;
  const found = [...counts.keys()].filter((value) => value !== 0);
  const example = found.length === 1 ? `${missing[0][0]}=${found[0]}` : `${missing[0][0]}=<value>`;
  throw new Error(
    `--label-values ${missing.map(([name, value]) => `${name}=${value}`).join(',')}: the labels ${labelsPath} ` +
      `have no voxel of ${missing.length === 1 ? 'that value' : 'those values'}. ` +
      `Their values: ${describeLabelValues(counts, labelsPath)}. ` +
      `Pass the value each organ's voxels have, e.g. --label-values ${example}.`,
  );
}
