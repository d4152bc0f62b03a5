import { coarseToFine } from './coarseToFine';
import { lime, LimeOptions } from './lime';
import { occlusion, OcclusionOptions } from './occlusion';
import { MethodId, PerturbationMethod } from './PerturbationMethod';
import { rise, RiseOptions } from './rise';

export interface MethodOptionsById {
  occlusion: OcclusionOptions;
  rise: RiseOptions;
  lime: LimeOptions;
}

/** Every perturbation method by id: the CLI, the panel and the benchmark pick from here. */
export const METHODS: { [Id in MethodId]: PerturbationMethod<MethodOptionsById[Id]> } = {
  occlusion: { ...occlusion, refinement: coarseToFine },
  rise,
  lime,
};

export function getMethod(id: string): PerturbationMethod<object> {
  if (!(id in METHODS)) {
    throw new Error(`Unknown method "${id}". Choose one of: ${Object.keys(METHODS).join(', ')}.`);
  }
  return METHODS[id as MethodId] as PerturbationMethod<object>;
}
