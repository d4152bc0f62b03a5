import { FillMode } from '../../../extension/src/engine/methods/PerturbationMethod';
import { ExplainRequest } from '../../../extension/src/runtime/runExplanation';
import type { ExplainCommandOptions } from './explain';

/** The explanation request that `explain`'s options ask for (one image or every case of a cohort). */
export function requestOf(options: ExplainCommandOptions): ExplainRequest {
  return {
    ...options,
    fill: parseFill(options.fill),
    coarseToFine: options.coarseToFine && {
      factor: options.coarseFactor,
      refineFraction: options.refineFraction,
    },
  };
}

function parseFill(text: string): FillMode {
  if (text === 'min' || text === 'mean' || text === 'blur') return text;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--fill must be min, mean, blur or a number, got "${text}".`);
  return value;
}
