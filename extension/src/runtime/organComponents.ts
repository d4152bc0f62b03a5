import { Scope } from '../engine/explain/Scope';
import { MaskComponent, maskComponents } from '../engine/volume/maskComponents';
import { Volume } from '../engine/volume/Volume';
import { LoadedModel } from './loadModel';
import { predictedOrganMask } from './predictedOrganMask';
import { resolveOrgan } from './resolveOrgan';

/**
 * The connected components of the model's prediction of `organ` (a class name or prompt) on the
 * slices a scope explains, largest first: the pick list of `ExplainRequest.targetRegion`'s
 * `{ component }`. Scope slice: that slice alone (2-D components); slab and volume: all slices.
 * `predicted`: that prediction when the caller has made it already (no model pass then).
 */
export async function organComponents(
  loaded: LoadedModel,
  volume: Volume,
  organ: string,
  where: { scope: Scope; slice?: number },
  predicted?: Uint8Array,
): Promise<MaskComponent[]> {
  const { classIndex } = resolveOrgan(loaded.manifest, organ);
  const nz = volume.dimensions[2];
  const k = where.slice;
  if (where.scope === 'slice' && !(Number.isInteger(k) && k! >= 0 && k! < nz)) {
    throw new Error(`Scope "slice" needs a slice index between 0 and ${nz - 1}, got ${String(k)}.`);
  }
  const mask = predicted ?? (await predictedOrganMask(loaded.segmenter, volume, classIndex, where));
  return maskComponents(mask, volume, where.scope === 'slice' ? [k!, k! + 1] : [0, nz]);
}
