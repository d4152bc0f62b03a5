import { ExplainedTarget } from './ExplainedTarget';

/** The explained target in words: "liver", "liver component 2 of 3 (14.2 mL)", "liver in "tumour" (3.1 mL)". */
export function targetLabelOf(target: ExplainedTarget, className: string): string {
  if (target.kind === 'organ') return className;
  // Small regions keep two significant digits rather than rounding to 0.0.
  const volume = `${target.ml >= 1 ? target.ml.toFixed(1) : target.ml.toPrecision(2)} mL`;
  return target.kind === 'component'
    ? `${className} component ${target.index} of ${target.of} (${volume})`
    : `${className} in "${target.label}" (${volume})`;
}
