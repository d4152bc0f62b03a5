/** Index of `organ` among a model's class names (case-insensitive), with an error that lists them. */
export function resolveClassIndex(classNames: readonly string[], organ: string): number {
  const wanted = organ.trim().toLowerCase();
  const index = classNames.findIndex((name) => name.toLowerCase() === wanted);
  if (index < 0) {
    throw new Error(
      `The model does not know the organ "${organ}". Its classes are: ${classNames.join(', ')}.`,
    );
  }
  return index;
}
