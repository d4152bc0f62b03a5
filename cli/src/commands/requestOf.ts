import { FillMode } from '@xai-clip/engine';
import { ExplainRequest } from '@xai-clip/runtime';
import type { ExplainCommandOptions } from './ExplainCommandOptions';

/**
 * The explanation request that `explain`'s options ask for (one image or every case of a cohort).
 * A --target-region that is a label file is read against each image (targetRegionOfLabels).
 */
export function requestOf(options: ExplainCommandOptions): ExplainRequest {
  const { targetRegion, ...asked } = options;
  return {
    ...asked,
    ...(targetRegion !== undefined && /^\d+$/.test(targetRegion)
      ? { targetRegion: { component: Number(targetRegion) } }
      : {}),
    fill: parseFill(options.fill),
    methodOptions: options.methodOption,
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
