import { explainVolume, ExplainResult } from '../engine/explain/explainVolume';
import { Scope } from '../engine/explain/Scope';
import { segmentVolume } from '../engine/explain/segmentVolume';
import { ProgressCallback } from '../engine/evaluate/ProgressTracker';
import { getMethod } from '../engine/methods';
import { coarseToFineOcclusion } from '../engine/methods/coarseToFineOcclusion';
import { mmToVoxels } from '../engine/methods/mmToVoxels';
import {
  DEFAULT_OUTSIDE_TILE_FACTOR,
  DEFAULT_OUTSIDE_TILES,
  OutsideTileShape,
} from '../engine/methods/occlusion';
import { FillMode, MethodId } from '../engine/methods/PerturbationMethod';
import { clipRoi } from '../engine/roi/clipRoi';
import { DEFAULT_ROI_SHAPE, Roi, RoiShape, RoiSource } from '../engine/roi/Roi';
import { roiFromMask } from '../engine/roi/roiFromMask';
import { Vec3, Volume } from '../engine/volume/Volume';
import { sliceOf } from '../engine/volume/volumeUtils';
import { clipRoiSettings } from './clip/clipRoiSettings';
import { contextSlices } from './clip/contextSlices';
import { LoadedModel } from './loadModel';
import { resolveOrgan } from './resolveOrgan';

/** One explanation as a user asks for it, the same from the CLI and the viewer. */
export interface ExplainRequest {
  /** A class name or one of its prompts. */
  organ: string;
  method: MethodId;
  roi: RoiSource;
  /** The ROI's bounding box or its region (default 'mask'; see RoiShape). */
  roiShape?: RoiShape;
  scope: Scope;
  slice?: number;
  windowMm?: number;
  strideMm?: number;
  /** Occlusion: outside-ROI tiles in windows per axis (see OcclusionOptions; 0 = none). */
  outsideTileFactor?: number;
  /** Occlusion: the outside tiles' shape, squares or superpixels (see OcclusionOptions). */
  outsideTiles?: OutsideTileShape;
  /** RISE masks or LIME samples. */
  samples?: number;
  marginMm?: number;
  fill?: FillMode;
  target?: 'sum' | 'softDice';
  batchSize?: number;
  seed?: number;
  /**
   * Occlusion only: coarse-to-fine (windows `factor` × larger first, then the fine windows only
   * where the coarse saliency reaches `refineFraction` × its maximum; see coarseToFineOcclusion).
   */
  coarseToFine?: boolean | { factor?: number; refineFraction?: number };
}

export interface Explanation {
  method: MethodId;
  scope: Scope;
  result: ExplainResult;
  roi?: Roi;
  classIndex: number;
  className: string;
  methodOptions: object;
  /** Whether the map ranks the outside of the ROI (occlusion's coarse tiles) instead of leaving it 0. */
  outsideRanked: boolean;
}

/** Default occlusion window (mm) when the request names none. */
export const DEFAULT_WINDOW_MM = 20;

/**
 * ROI (CLIP, predicted mask or none) → perturbation explanation of `volume` with a loaded
 * model. `onStage` names each step for progress displays.
 */
export async function runExplanation(
  loaded: LoadedModel,
  volume: Volume,
  request: ExplainRequest,
  hooks: { signal?: AbortSignal; onProgress?: ProgressCallback; onStage?: (stage: string) => void } = {},
): Promise<Explanation> {
  const method = getMethod(request.method);
  const { classIndex, className } = resolveOrgan(loaded.manifest, request.organ);
  const methodOptions = methodOptionsFrom(request);
  const outsideRanked = Number(methodOptions.outsideTileFactor ?? 0) > 0;
  hooks.onStage?.(`Locating ${className} (${request.roi} ROI)`);
  const roi = await buildRoi(request, loaded, volume, classIndex, marginVoxels(request, loaded, volume));
  const common = {
    classIndex,
    roi,
    scope: request.scope,
    slice: request.slice,
    target: request.target,
    fill: request.fill,
    batchSize: request.batchSize,
    // One pass per image: what the map cannot show, the model's use of context outside the ROI.
    measureOutsideRoi: request.roi !== 'none',
    signal: hooks.signal,
    onProgress: hooks.onProgress,
  };
  if (request.coarseToFine && method.id === 'occlusion') {
    hooks.onStage?.(`Coarse-to-fine occlusion of ${className}`);
    const refine = typeof request.coarseToFine === 'object' ? request.coarseToFine : {};
    const result = await coarseToFineOcclusion(volume, loaded.segmenter, {
      ...common,
      windowMm: request.windowMm ?? DEFAULT_WINDOW_MM,
      strideMm: request.strideMm,
      outsideTileFactor: request.outsideTileFactor,
      outsideTiles: request.outsideTiles,
      coarseFactor: refine.factor,
      refineFraction: refine.refineFraction,
    });
    return {
      method: method.id,
      scope: request.scope,
      result,
      roi,
      classIndex,
      className,
      methodOptions: { ...method.defaults, ...methodOptions, coarseToFine: result.coarseToFine },
      outsideRanked,
    };
  }
  hooks.onStage?.(`${method.label} of ${className}`);
  const result = await explainVolume(volume, loaded.segmenter, {
    ...common,
    method: method.id,
    methodOptions,
    seed: request.seed,
  });
  return {
    method: method.id,
    scope: request.scope,
    result,
    roi,
    classIndex,
    className,
    methodOptions: { ...method.defaults, ...methodOptions },
    outsideRanked,
  };
}

function methodOptionsFrom(request: ExplainRequest): Record<string, number | string> {
  const set = (key: string, value: number | string | undefined) =>
    value === undefined ? {} : { [key]: value };
  if (request.method === 'occlusion') {
    return {
      ...set('windowMm', request.windowMm),
      ...set('strideMm', request.strideMm),
      // Reported only where it acts: the outside of an ROI.
      ...(request.roi === 'none'
        ? {}
        : {
            outsideTileFactor: request.outsideTileFactor ?? DEFAULT_OUTSIDE_TILE_FACTOR,
            outsideTiles: request.outsideTiles ?? DEFAULT_OUTSIDE_TILES,
          }),
    };
  }
  return set(request.method === 'rise' ? 'masks' : 'samples', request.samples);
}

/** ROI margin: marginMm (default 10), at least half the occlusion window; none across slices for 2-D models. */
function marginVoxels(request: ExplainRequest, loaded: LoadedModel, volume: Volume): Vec3 {
  const window = request.method === 'occlusion' ? (request.windowMm ?? DEFAULT_WINDOW_MM) : 0;
  const margin = mmToVoxels(Math.max(request.marginMm ?? 10, window / 2), volume.spacing, volume.dimensions);
  if (loaded.segmenter.dimensionality === 2) margin[2] = 0;
  return margin;
}

async function buildRoi(
  request: ExplainRequest,
  loaded: LoadedModel,
  volume: Volume,
  classIndex: number,
  margin: Vec3,
): Promise<Roi | undefined> {
  const className = loaded.segmenter.classNames[classIndex];
  if (request.roi === 'none') return undefined;
  const shape = request.roiShape ?? DEFAULT_ROI_SHAPE;
  if (shape !== 'box' && shape !== 'mask') {
    throw new Error(`Unknown ROI shape "${String(shape)}". Use mask (the region) or box (its bounding box).`);
  }
  if (request.roi === 'mask') {
    const mask = new Uint8Array(volume.data.length);
    // One slice explained by a 2-D model needs only that slice segmented.
    const k = request.slice;
    const only =
      request.scope === 'slice' &&
      loaded.segmenter.dimensionality === 2 &&
      Number.isInteger(k) &&
      k! >= 0 &&
      k! < volume.dimensions[2]
        ? k
        : undefined;
    const labels = await segmentVolume(only === undefined ? volume : sliceOf(volume, only), loaded.segmenter);
    const offset = only === undefined ? 0 : only * labels.data.length;
    labels.data.forEach((label, v) => (mask[offset + v] = label === classIndex ? 1 : 0));
    return roiFromMask(mask, volume.dimensions, margin, {
      emptyReason: `the model predicts no ${className}`,
      shape,
    });
  }
  if (request.roi !== 'clip') throw new Error(`Unknown ROI mode "${request.roi}". Use clip, mask or none.`);
  if (!loaded.clip) {
    throw new Error(
      `The model "${loaded.manifest.name}" has no CLIP part, so the CLIP ROI is not available; use the mask ROI or none.`,
    );
  }
  const others = loaded.clip.classes.filter((name) => name !== className);
  const slices =
    request.scope === 'slice' && request.slice !== undefined
      ? [request.slice]
      : Array.from({ length: volume.dimensions[2] }, (_, k) => k);
  // resolveOrgan has mapped the typed class name or synonym to className: prompt by the class,
  // whose embedding exists without a text encoder (precomputed, or its synonyms averaged).
  const { logitScale, contextMm } = clipRoiSettings(loaded.manifest.clip!, className);
  return clipRoi(
    volume,
    loaded.clip,
    { target: className, others },
    {
      slices,
      margin,
      logitScale,
      contextSlices: contextSlices(contextMm, volume.spacing[2]),
      shape,
    },
  );
}
