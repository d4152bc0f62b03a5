import { Scope } from '../engine/explain/Scope';
import { getMethod } from '../engine/methods';
import { checkMethodOptions } from '../engine/methods/checkMethodOptions';
import {
  DEFAULT_OUTSIDE_TILE_FACTOR,
  DEFAULT_OUTSIDE_TILES,
  OutsideTileShape,
} from '../engine/methods/occlusion';
import { FillMode, MethodId } from '../engine/methods/PerturbationMethod';
import { DEFAULT_ROI_SHAPE, RoiShape, RoiSource } from '../engine/roi/Roi';
import type { ExplainRequest, TargetRegionRequest } from './ExplainRequest';

/**
 * An explanation request with every default filled in, and only the fields its method uses:
 * what runs, and what reports, SEG parameters and cohort resume keys record. The one place the
 * request-level defaults live; a method's own (window, masks, samples) come from its registry entry.
 */
export interface ResolvedRequest {
  organ: string;
  method: MethodId;
  roi: RoiSource;
  roiShape: RoiShape;
  scope: Scope;
  slice?: number;
  /** Slab and volume scopes: every k-th slice perturbed, the rest interpolated; absent: every slice. */
  sliceStride?: number | 'auto';
  marginMm: number;
  fill: FillMode;
  target: 'sum' | 'softDice';
  /** The target region as asked (a region by its label, not its voxels); absent: the predicted organ. */
  targetRegion?: { component: number } | { voxel: [number, number, number] } | { label: string };
  batchSize: number | 'auto';
  seed: number;
  /** Occlusion: window and stride in mm; outside-ROI tiles where there is an ROI. */
  windowMm?: number;
  strideMm?: number;
  outsideTileFactor?: number;
  outsideTiles?: OutsideTileShape;
  /** Occlusion: coarse-to-fine, when asked for. */
  coarseToFine?: { factor: number; refineFraction: number };
  /** RISE masks or LIME samples. */
  samples?: number;
  /** The method's declared parameters (defaults filled in); absent for a method that declares none. */
  methodOptions?: Record<string, number | string>;
}

/** Request-level defaults (see ResolvedRequest). */
export const REQUEST_DEFAULTS = {
  marginMm: 10,
  fill: 'min' as FillMode,
  target: 'sum' as const,
  batchSize: 'auto' as const,
  seed: 0,
  coarseFactor: 2,
  refineFraction: 0.5,
};

/** RISE's masks or LIME's samples when a request names none (the method's registry default). */
export function defaultSamples(method: MethodId): number | undefined {
  const defaults = getMethod(method).defaults as { masks?: number; samples?: number };
  return method === 'rise' ? defaults.masks : defaults.samples;
}

/** `request` with every default filled in (see ResolvedRequest). */
export function resolveRequest(request: ExplainRequest): ResolvedRequest {
  const method = getMethod(request.method);
  const common: ResolvedRequest = {
    organ: request.organ,
    method: method.id,
    roi: request.roi,
    roiShape: request.roiShape ?? DEFAULT_ROI_SHAPE,
    scope: request.scope,
    ...(request.slice === undefined ? {} : { slice: request.slice }),
    // Recorded only where it leaves slices out, so every-slice runs keep their resume keys.
    ...(request.scope !== 'slice' && (request.sliceStride ?? 1) !== 1
      ? { sliceStride: request.sliceStride }
      : {}),
    marginMm: request.marginMm ?? REQUEST_DEFAULTS.marginMm,
    fill: request.fill ?? REQUEST_DEFAULTS.fill,
    target: request.target ?? REQUEST_DEFAULTS.target,
    ...(request.targetRegion ? { targetRegion: targetRegionOf(request.targetRegion) } : {}),
    batchSize: request.batchSize ?? REQUEST_DEFAULTS.batchSize,
    seed: request.seed ?? REQUEST_DEFAULTS.seed,
    ...declaredOptionsOf(request),
  };
  if (method.id !== 'occlusion') {
    return { ...common, samples: request.samples ?? defaultSamples(method.id) };
  }
  const windowMm = request.windowMm ?? (method.defaults as { windowMm: number }).windowMm;
  const refine = typeof request.coarseToFine === 'object' ? request.coarseToFine : {};
  return {
    ...common,
    windowMm,
    strideMm: request.strideMm ?? windowMm / 2,
    // Outside tiles act only on the outside of an ROI.
    ...(request.roi === 'none'
      ? {}
      : {
          outsideTileFactor: request.outsideTileFactor ?? DEFAULT_OUTSIDE_TILE_FACTOR,
          outsideTiles: request.outsideTiles ?? DEFAULT_OUTSIDE_TILES,
        }),
    ...(request.coarseToFine
      ? {
          coarseToFine: {
            factor: refine.factor ?? REQUEST_DEFAULTS.coarseFactor,
            refineFraction: refine.refineFraction ?? REQUEST_DEFAULTS.refineFraction,
          },
        }
      : {}),
  };
}

/** The method's declared parameters: its defaults, then the request's checked values. */
function declaredOptionsOf(request: ExplainRequest): Pick<ResolvedRequest, 'methodOptions'> {
  const method = getMethod(request.method);
  // Checked first: a value for a method that declares nothing is refused, not dropped.
  const checked = checkMethodOptions(method, request.methodOptions ?? {});
  if (method.parameters.length === 0) return {};
  const defaults = method.defaults as Record<string, number | string>;
  return {
    methodOptions: {
      ...Object.fromEntries(method.parameters.map((p) => [p.key, defaults[p.key]])),
      ...checked,
    },
  };
}

/** The target region as a report records it; a request that names none properly is refused. */
function targetRegionOf(region: TargetRegionRequest): NonNullable<ResolvedRequest['targetRegion']> {
  if ('component' in region) {
    if (!Number.isInteger(region.component) || region.component < 1) {
      throw new Error(
        `Target component ${String(region.component)} is not a component number: give 1 for the largest predicted component, 2 for the next, …`,
      );
    }
    return { component: region.component };
  }
  if ('voxel' in region) {
    const { voxel } = region;
    if (!Array.isArray(voxel) || voxel.length !== 3 || !voxel.every((x) => Number.isInteger(x) && x >= 0)) {
      throw new Error(
        `Target voxel ${JSON.stringify(voxel)} is not a voxel: give its indices [i, j, k] on the volume grid.`,
      );
    }
    return { voxel: [voxel[0], voxel[1], voxel[2]] };
  }
  if (
    'mask' in region &&
    region.mask instanceof Uint8Array &&
    typeof region.label === 'string' &&
    region.label
  ) {
    return { label: region.label };
  }
  throw new Error(
    'The target region must be { component: n }, { voxel: [i, j, k] } or { mask: Uint8Array on the volume grid, label: its name }.',
  );
}
