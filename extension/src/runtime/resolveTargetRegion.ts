import { componentContaining } from '../engine/volume/componentContaining';
import { MaskComponent } from '../engine/volume/maskComponents';
import { Volume } from '../engine/volume/Volume';
import { ExplainedTarget } from './ExplainedTarget';
import { TargetRegionRequest } from './ExplainRequest';
import { LoadedModel } from './loadModel';
import { organComponents } from './organComponents';
import { ResolvedRequest } from './resolveRequest';

/** A target region as voxels (volume grid, 0/1), with what a report says of it but its size. */
export type ResolvedTargetRegion = { mask: Uint8Array } & (
  | Omit<Extract<ExplainedTarget, { kind: 'component' }>, 'voxels' | 'ml'>
  | Omit<Extract<ExplainedTarget, { kind: 'region' }>, 'voxels' | 'ml'>
);

/**
 * The voxels of an asked target region: a component of the model's prediction on the scope's
 * slices (by rank, or the one holding a voxel; see `organComponents`), or a given mask. Refuses,
 * saying what to do, a component that does not exist, a voxel off the prediction, and a region
 * with no voxel on the explained slices. `predicted` gives the organ's prediction on the scope's
 * slices when the caller shares it (the mask ROI needs it too); without it a component is found on
 * a prediction made here.
 */
export async function resolveTargetRegion(
  asked: TargetRegionRequest,
  loaded: LoadedModel,
  volume: Volume,
  request: ResolvedRequest,
  className: string,
  predicted?: () => Promise<Uint8Array>,
): Promise<ResolvedTargetRegion> {
  const nz = volume.dimensions[2];
  const where = request.scope === 'slice' ? `slice ${request.slice}` : 'the volume';
  if ('mask' in asked) {
    const { mask, label } = asked;
    if (mask.length !== volume.data.length) {
      throw new Error(
        `The target region "${label}" has ${mask.length} voxels but the volume ${volume.data.length} ` +
          `(${volume.dimensions.join('×')}): give it on the volume's grid.`,
      );
    }
    const plane = volume.dimensions[0] * volume.dimensions[1];
    const [first, end] = request.scope === 'slice' ? [request.slice!, request.slice! + 1] : [0, nz];
    if (!mask.subarray(first * plane, end * plane).some((m) => m !== 0)) {
      throw new Error(
        `The target region "${label}" has no voxel on ${where}: explain a slice it covers, or the slab.`,
      );
    }
    return { kind: 'region', label, mask: Uint8Array.from(mask, (m) => (m ? 1 : 0)) };
  }
  const components = await organComponents(loaded, volume, request.organ, request, await predicted?.());
  if (components.length === 0) {
    throw new Error(
      `The model predicts no ${className} on ${where}, so there is no component to explain: ` +
        'explain another slice, or give the region as a mask.',
    );
  }
  const component =
    'component' in asked
      ? rankedComponent(components, asked.component, className, where)
      : componentAt(components, asked.voxel, volume, request, className);
  const mask = new Uint8Array(volume.data.length);
  for (const v of component.voxelIndices) mask[v] = 1;
  return { kind: 'component', index: component.index, of: components.length, mask };
}

/** Component `index` (1-based, largest first). */
function rankedComponent(
  components: MaskComponent[],
  index: number,
  className: string,
  where: string,
): MaskComponent {
  const n = components.length;
  if (index > n) {
    throw new Error(
      `The model predicts ${n} ${className} component${n === 1 ? '' : 's'} on ${where}; ` +
        `there is no component ${index}. Pick one of 1–${n} (largest first).`,
    );
  }
  return components[index - 1];
}

/** The component holding `voxel`, which must lie on the explained slices. */
function componentAt(
  components: MaskComponent[],
  voxel: [number, number, number],
  volume: Volume,
  request: ResolvedRequest,
  className: string,
): MaskComponent {
  const [i, j, k] = voxel;
  const [nx, ny, nz] = volume.dimensions;
  if (i >= nx || j >= ny || k >= nz) {
    throw new Error(
      `Target voxel (${i}, ${j}, ${k}) lies outside the ${volume.dimensions.join('×')} volume.`,
    );
  }
  if (request.scope === 'slice' && k !== request.slice) {
    throw new Error(
      `Target voxel (${i}, ${j}, ${k}) lies on slice ${k}, but slice ${request.slice} is explained: ` +
        `pick a voxel on slice ${request.slice}, or explain slice ${k}.`,
    );
  }
  const found = componentContaining(components, voxel, volume.dimensions);
  if (!found) {
    throw new Error(
      `The model predicts no ${className} at voxel (${i}, ${j}, ${k}) on slice ${k}: pick a voxel inside a ` +
        `predicted ${className} component (organComponents lists them), or give the region as a mask.`,
    );
  }
  return found;
}
