import { strideSlices } from '../engine/explain/strideSlices';
import { coarseToFine } from '../engine/methods/coarseToFine';
import { mmToVoxels } from '../engine/methods/mmToVoxels';
import { riseGrid } from '../engine/methods/riseGrid';
import { riseMaskCount } from '../engine/methods/riseMaskCount';
import { DEFAULT_OUTSIDE_TILE_FACTOR, OcclusionOptions } from '../engine/methods/occlusion';
import { windowGrid } from '../engine/methods/windowGrid';
import { Box, boxVoxelCount, dilateBox, fullBox } from '../engine/volume/Box';
import { Vec3 } from '../engine/volume/Volume';
import { ExplainRequest } from './ExplainRequest';
import { ResolvedRequest, resolveRequest } from './resolveRequest';
import { roiMarginVoxels } from './roiMarginVoxels';
import { sliceStrideOf } from './sliceStrideOf';
import { OrganSurvey } from './surveyOrgan';

/** The forward passes a request will take, estimated before it runs. */
export interface PassEstimate {
  passes: number;
}

/**
 * The share of an image's fine windows coarse-to-fine refines (factor 2, refine fraction 0.5), as
 * measured by the full benchmark (2026-11-28): CHAOS CT liver 473 of 1,600, MR liver 531 of 1,829,
 * kidneys 156 of 657 and 158 of 484, spleen 206 of 718 (0.24–0.33). Which windows it refines is
 * known only after the first round, so the estimate takes this share.
 */
const TYPICAL_REFINED_SHARE = 0.3;

/** One image the run would explain, as far as its cost goes. */
interface ImageCost {
  dimensions: Vec3;
  /** Where perturbations go (the dilated organ box, or the whole image without an ROI). */
  roi: Box;
  /** A 3-D model's explained slices. */
  region?: Box;
  /** Whether the model finds the organ there: an image without it stops after its first pass. */
  hasOrgan: boolean;
  /** A slice the slice stride leaves to interpolation: its unperturbed pass only. */
  interpolated?: boolean;
  /** Whether the run scores the image with its outside replaced (one pass: the ROI leaves part out). */
  measureOutside: boolean;
  /** A region-shaped mask ROI on a slice: the organ's extent and voxels, and the margin around it. */
  region2d?: { extent: [number, number]; voxels: number; margin: Vec3 };
}

/**
 * The passes `explainVolume` would count for `asked` on the surveyed series, from the survey's
 * organ footprint instead of the real ROI (locating it costs a segmentation or a CLIP pass per
 * slice; the estimate must be instant): the ROI is taken to be the segmenter's organ box per
 * slice, dilated by the run's margin, so it is exact for the mask ROI in box shape. Occlusion's
 * windows are the real grid over that box, cut for a region-shaped mask ROI to the share that
 * touches the organ (regionWindowShare); its outside tiles, squares or superpixels, are counted as
 * the grid of their size (SLIC seeds the same grid). RISE and LIME cost their samples whatever the
 * box, unless they are set per cell or feature (samplesOf). Each image adds its unperturbed pass and, with an ROI, the outside pass; an image without
 * the organ, or a slice the slice stride interpolates, costs its first pass only. Coarse-to-fine
 * adds a second round of 1 + TYPICAL_REFINED_SHARE of the fine windows per image. Measured on the CHAOS CT demo (occlusion 20/10 mm, liver):
 * slab, mask ROI 19,418 estimated / 17,777 real, CLIP ROI 22,602 / 21,860; one slice, CLIP ROI
 * 493 / 423, mask box 493 / 471.
 */
export function estimatePasses(asked: ExplainRequest, survey: OrganSurvey): PassEstimate {
  const request = resolveRequest(asked);
  const images = survey.dimensionality === 2 ? sliceImages(request, survey) : volumeImage(request, survey);
  const fine = perturbationsOf(request, survey.spacing);
  const coarse = request.coarseToFine && perturbationsOf(request, survey.spacing, coarseOptionsOf(request));
  // The second round runs fine windows only, no outside tiles.
  const fineWindows = perturbationsOf(request, survey.spacing, {
    ...occlusionOptionsOf(request),
    outsideTileFactor: 0,
  });
  const passes = images.reduce((sum, image) => {
    if (!image.hasOrgan || image.interpolated) return sum + 1;
    const firstRound = 1 + (coarse || fine)(image) + (image.measureOutside ? 1 : 0);
    return sum + firstRound + (coarse ? 1 + Math.round(TYPICAL_REFINED_SHARE * fineWindows(image)) : 0);
  }, 0);
  return { passes };
}

/** A 2-D model's images: the slice, or every slice of the slab the ROI covers. */
function sliceImages(request: ResolvedRequest, survey: OrganSurvey): ImageCost[] {
  const [nx, ny, nz] = survey.dimensions;
  const dimensions: Vec3 = [nx, ny, 1];
  const plane = fullBox(dimensions);
  const margin = roiMarginVoxels(request, survey, 2);
  const slices = request.scope === 'slice' ? [sliceOf(request, nz)] : Array.from({ length: nz }, (_, k) => k);
  // The ROI is located on the slices explained (one slice: that slice alone); where it finds no
  // organ at all it falls back to the whole image (roiFromMask's fallback).
  const located = request.roi !== 'none' && slices.some((k) => survey.modelBoxes[k]);
  const images = slices.flatMap((k): ImageCost[] => {
    const hasOrgan = survey.modelVoxels[k] > 0;
    if (!located) return [{ dimensions, roi: plane, hasOrgan, measureOutside: false }];
    const organ = survey.modelBoxes[k];
    if (!organ) return []; // a slab or volume run skips the slices its ROI misses
    const roi = dilateBox({ min: [organ[0], organ[1], 0], max: [organ[2], organ[3], 1] }, margin, dimensions);
    const measureOutside = request.roiShape === 'mask' || boxVoxelCount(roi) < nx * ny;
    // A CLIP region is patch-coarse and wider than the segmenter's organ: its windows are the box's
    // (on the CT demo's slab, 21,860 real passes for 22,602 so estimated).
    const region2d =
      request.roi === 'mask' && request.roiShape === 'mask'
        ? {
            extent: [organ[2] - organ[0], organ[3] - organ[1]] as [number, number],
            voxels: survey.modelVoxels[k],
            margin,
          }
        : undefined;
    return [{ dimensions, roi, hasOrgan, measureOutside, region2d }];
  });
  if (request.scope === 'slice') return images;
  const perturbed = strideSlices(images.length, sliceStrideOf(request.sliceStride, survey.spacing[2]));
  return images.map((image, n) => (perturbed[n] ? image : { ...image, interpolated: true }));
}

/** A 3-D model's one image: the organ's box over every slice, narrowed to the slice for scope slice. */
function volumeImage(request: ResolvedRequest, survey: OrganSurvey): ImageCost[] {
  const { dimensions } = survey;
  const organSlices = survey.modelBoxes.flatMap((box, k) => (box ? [k] : []));
  const located = request.roi !== 'none' && organSlices.length > 0;
  const roi = located
    ? organBox(survey, organSlices, roiMarginVoxels(request, survey, 3))
    : fullBox(dimensions);
  if (request.scope === 'slice') {
    const k = sliceOf(request, dimensions[2]);
    if (k < roi.min[2] || k >= roi.max[2]) throw new Error(`Slice ${k} lies outside the ROI.`);
    [roi.min[2], roi.max[2]] = [k, k + 1];
  }
  const region = fullBox(dimensions);
  if (request.scope !== 'volume') [region.min[2], region.max[2]] = [roi.min[2], roi.max[2]];
  const hasOrgan = organSlices.some((k) => k >= region.min[2] && k < region.max[2]);
  const measureOutside =
    located && (request.roiShape === 'mask' || boxVoxelCount(roi) < boxVoxelCount(region));
  return [{ dimensions, roi, region, hasOrgan, measureOutside }];
}

/** The union of the organ's slice boxes, dilated by the ROI margin. */
function organBox(survey: OrganSurvey, organSlices: number[], margin: Vec3): Box {
  const boxes = organSlices.map((k) => survey.modelBoxes[k]!);
  const union: Box = {
    min: [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), organSlices[0]],
    max: [Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3])), organSlices.at(-1)! + 1],
  };
  return dilateBox(union, margin, survey.dimensions);
}

function sliceOf(request: ResolvedRequest, nz: number): number {
  const k = request.slice;
  if (k === undefined || !Number.isInteger(k) || k < 0 || k >= nz) {
    throw new Error(`Scope "slice" needs a slice index between 0 and ${nz - 1}, got ${k}.`);
  }
  return k;
}

/** Occlusion's options for the request (its first-class fields), as the run resolves them. */
function occlusionOptionsOf(request: ResolvedRequest): OcclusionOptions {
  return {
    windowMm: request.windowMm!,
    strideMm: request.strideMm,
    outsideTileFactor: request.roi === 'none' ? 0 : request.outsideTileFactor,
  };
}

/** Coarse-to-fine's first round: occlusion with larger windows. */
function coarseOptionsOf(request: ResolvedRequest): OcclusionOptions {
  return coarseToFine.firstRound(occlusionOptionsOf(request), request.coarseToFine!);
}

/**
 * The perturbations (passes besides the unperturbed one) of one image with the organ: RISE's
 * masks or LIME's samples, or occlusion's windows over the ROI box and its outside tiles.
 */
function perturbationsOf(request: ResolvedRequest, spacing: Vec3, options = occlusionOptionsOf(request)) {
  return ({ dimensions, roi, region, region2d }: ImageCost): number => {
    if (request.method !== 'occlusion') return samplesOf(request, spacing, roi);
    const windowMm = options.windowMm as number;
    const window = mmToVoxels(windowMm, spacing, dimensions);
    const stride = mmToVoxels((options.strideMm as number | undefined) ?? windowMm / 2, spacing, dimensions);
    const boxWindows = windowGrid(dimensions, window, stride, roi).length;
    const windows = region2d ? Math.round(boxWindows * regionWindowShare(region2d, window)) : boxWindows;
    const tileFactor = options.outsideTileFactor ?? DEFAULT_OUTSIDE_TILE_FACTOR;
    if (tileFactor === 0) return windows;
    const tile = window.map((w) => Math.round(w * tileFactor)) as Vec3;
    return windows + outsideTileCount(dimensions, tile, roi, region ?? fullBox(dimensions));
  };
}

/**
 * The share of the box's windows that touch a region-shaped ROI, taking the organ as convex: a
 * window touches the region where its corner lies in the organ grown by the margin and the window,
 * whose area is the box's (W + 2m + w)(H + 2m + w) less the box's corners the organ leaves empty
 * (W·H − organ voxels) and the margin's rounded corners ((4 − π) m²). On the CT demo's slab:
 * 17,777 real passes, 22,602 estimated from the box alone.
 */
function regionWindowShare(
  { extent: [w, h], voxels, margin: [mx, my] }: NonNullable<ImageCost['region2d']>,
  window: Vec3,
): number {
  const box = (w + 2 * mx + window[0]) * (h + 2 * my + window[1]);
  return Math.max(0, box - (w * h - voxels) - (4 - Math.PI) * mx * my) / box;
}

/**
 * Tiles of a grid of `tile` voxels (from 0, the last clipped) that reach into `region` and whose
 * part there the ROI box does not hold whole: those on every axis, less those inside on every axis.
 */
function outsideTileCount(dimensions: Vec3, tile: Vec3, roi: Box, region: Box): number {
  let all = 1;
  let inside = 1;
  for (const axis of [0, 1, 2]) {
    const edge = Math.max(1, Math.min(tile[axis], dimensions[axis]));
    let inRegion = 0;
    let inRoi = 0;
    for (let start = 0; start < dimensions[axis]; start += edge) {
      const end = Math.min(start + edge, dimensions[axis]);
      if (end <= region.min[axis] || start >= region.max[axis]) continue;
      inRegion++;
      // A tile is cut to the region first (tilesInRegion): its part there may lie in the ROI whole.
      if (
        Math.max(start, region.min[axis]) >= roi.min[axis] &&
        Math.min(end, region.max[axis]) <= roi.max[axis]
      )
        inRoi++;
    }
    all *= inRegion;
    inside *= inRoi;
  }
  return all - inside;
}

/**
 * RISE's masks or LIME's samples on one image: the request's count, or with `masksPerCell` the
 * mask grid's cells over the box times it (exact), with `samplesPerFeature` the box's features
 * times it, taken as cells of the feature size (superpixels seed that grid).
 */
function samplesOf(request: ResolvedRequest, spacing: Vec3, roi: Box): number {
  const options = request.methodOptions ?? {};
  const extent = [0, 1, 2].map((axis) => roi.max[axis] - roi.min[axis]) as Vec3;
  if (request.method === 'rise') {
    const grid = riseGrid(extent, spacing, Number(options.gridSize), Number(options.cellMm ?? 0));
    return riseMaskCount(grid, request.samples!, Number(options.masksPerCell ?? 0));
  }
  const perFeature = Number(options.samplesPerFeature ?? 0);
  if (!(perFeature > 0)) return request.samples!;
  const size = Number(options.featureSizeMm);
  const features = extent.reduce(
    (product, length, axis) => product * Math.max(1, Math.ceil((length * spacing[axis]) / size)),
    1,
  );
  return Math.ceil(perFeature * features);
}
