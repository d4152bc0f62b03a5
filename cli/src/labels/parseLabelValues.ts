/**
 * Parses `--label-values liver=1,spleen=4` into class name → label value. Without the flag
 * every class's value is its index. Names must be classes of the model.
 */
export function parseLabelValues(
  text: string | undefined,
  classNames: readonly string[],
): Map<string, number> {
  const values = new Map<string, number>();
  if (!text) {
    classNames.forEach((name, index) => index > 0 && values.set(name, index));
    return values;
  }
  for (const pair of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(pair);
    if (!match) {
      throw new Error(
        `Cannot read "${pair}" in --label-values; write name=value pairs, e.g. liver=1,spleen=4.`,
      );
    }
    const name = classNames.find((c) => c.toLowerCase() === match[1].toLowerCase());
    if (!name) {
      throw new Error(
        `--label-values names "${match[1]}", which is not a class of the model (${classNames.join(', ')}).`,
      );
    }
    values.set(name, Number(match[2]));
  }
  return values;
}
