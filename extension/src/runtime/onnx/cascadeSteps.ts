import { ParameterLayer } from './parameterLayers';

/**
 * The layers (graph order) cut into at most `maxSteps` runs of consecutive layers, from the top
 * (output end) down: step s of a cascading randomisation randomises the first s of them. Runs are
 * as even as the count allows; the topmost take the extra layer.
 */
export function cascadeSteps(layers: ParameterLayer[], maxSteps: number): ParameterLayer[][] {
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new Error(`The randomisation needs a whole number of steps ≥ 1, got ${maxSteps}.`);
  }
  const fromTop = [...layers].reverse();
  const steps = Math.min(maxSteps, fromTop.length);
  const out: ParameterLayer[][] = [];
  let start = 0;
  for (let s = 0; s < steps; s++) {
    const size = Math.ceil((fromTop.length - start) / (steps - s));
    out.push(fromTop.slice(start, start + size));
    start += size;
  }
  return out;
}
