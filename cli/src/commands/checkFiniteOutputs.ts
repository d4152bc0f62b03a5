/**
 * Refuses a model whose outputs hold NaN or infinite values: shared by `models validate` (its dry
 * inference) and, through withFiniteOutputs, every prediction of `explain`, `segment` and
 * `evaluate`, so that none exits 0 with a broken result.
 */
export function checkFiniteOutputs(values: ArrayLike<number>, what: string, manifest: string): void {
  let bad = 0;
  for (let v = 0; v < values.length; v++) if (!Number.isFinite(values[v])) bad++;
  if (bad === 0) return;
  throw new Error(
    `${what} holds ${bad} NaN or infinite value(s) of ${values.length}: the model ${manifest} outputs numbers that are ` +
      'not finite. Check the model (xai-clip models validate) and its input normalisation.',
  );
}
