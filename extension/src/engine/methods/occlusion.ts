import { forEachRoiVoxel, windowTouchesRoi } from '../roi/roiVoxels';
import { forEachVoxelInBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { mmToVoxels } from './mmToVoxels';
import { outsideRoiSegments } from './outsideRoiSegments';
import { outsideRoiTiles } from './outsideRoiTiles';
import { tilesInRegion } from './tilesInRegion';
import { PerturbationContext, PerturbationMethod, PerturbationPlan } from './PerturbationMethod';
import { windowGrid } from './windowGrid';

export interface OcclusionOptions {
  /** Window edge in mm (one value or per axis i, j, k). */
  windowMm: number | Vec3;
  /** Step between windows in mm; defaults to half the window. */
  strideMm?: number | Vec3;
  /**
   * Outside the ROI, non-overlapping tiles of about this many windows per axis are occluded,
   * one pass each, so the map ranks the outside coarsely instead of leaving it blank; 0 leaves
   * it at 0 (the paper's ROI-guided occlusion). Default 2.25.
   */
  outsideTileFactor?: number;
  /**
   * The shape of the outside tiles: 'slic' (superpixels of `outsideTileFactor` × the window's
   * largest edge in mm, which follow the anatomy; see `outsideRoiSegments`) or 'grid' (squares
   * of `outsideTileFactor` windows). Default 'slic'.
   */
  outsideTiles?: OutsideTileShape;
}

export type OutsideTileShape = 'grid' | 'slic';

/**
 * Default `outsideTileFactor`: 2.25 × a 20 mm window is a 45 mm superpixel, ~35 outside the ROI
 * on an abdomen CT slice. Chosen between 2 and 2.5 on the benchmark's CT slices (see README).
 */
export const DEFAULT_OUTSIDE_TILE_FACTOR = 2.25;

/** Default `outsideTiles`. */
export const DEFAULT_OUTSIDE_TILES: OutsideTileShape = 'slic';

/**
 * Occlusion sensitivity (Zeiler & Fergus 2014; Captum `Occlusion`, MONAI `OcclusionSensitivity`).
 *
 * Each window of the grid (`windowGrid`) is replaced by the substrate; a voxel's saliency is
 * the mean target drop (baseline − perturbed) over the windows covering it, in target units.
 *
 * With an ROI, the windows holding an ROI voxel run as above, and the rest of the image is covered
 * coarsely (beyond the paper) by tiles: superpixels that follow the anatomy
 * (`outsideRoiSegments`) or grid squares (`outsideRoiTiles`). Each tile's voxels outside the ROI
 * are replaced in one pass and get the tile's drop × (window voxels / replaced voxels), the
 * drop one window there causes if the tile's drop is spread evenly. So the outside keeps its
 * order (what raises the score stays last in a deletion curve) at the cost of a few passes.
 *
 * Cost: 1 + P + T forward passes, P = number of windows holding an ROI voxel (for a box ROI,
 * Π over axes of the positions kept), T = outside tiles (0 without an ROI), in ⌈(P + T) / batchSize⌉ calls.
 */
export const occlusion: PerturbationMethod<OcclusionOptions> = {
  id: 'occlusion',
  label: 'Occlusion',
  seeded: false,
  defaults: { windowMm: 20 },
  // Window, stride and the outside tiles have request fields of their own (ExplainRequest).
  parameters: [],
  plan(context: PerturbationContext, options: OcclusionOptions): PerturbationPlan {
    const { image, roi, roiMask, substrate, region } = context;
    const { dimensions, spacing } = image;
    const windowMm: Vec3 =
      typeof options.windowMm === 'number'
        ? [options.windowMm, options.windowMm, options.windowMm]
        : options.windowMm;
    const window = mmToVoxels(windowMm, spacing, dimensions);
    const stride = mmToVoxels(options.strideMm ?? (windowMm.map((w) => w / 2) as Vec3), spacing, dimensions);
    const windowBoxes = windowGrid(dimensions, window, stride, roi).filter((box) =>
      windowTouchesRoi(box, roi, roiMask, dimensions),
    );
    const windows = windowBoxes.length;
    const tileFactor = options.outsideTileFactor ?? DEFAULT_OUTSIDE_TILE_FACTOR;
    if (!(tileFactor >= 0)) throw new Error(`outsideTileFactor must be ≥ 0, got ${tileFactor}.`);
    const shape = options.outsideTiles ?? DEFAULT_OUTSIDE_TILES;
    if (shape !== 'grid' && shape !== 'slic') {
      throw new Error(`outsideTiles must be 'grid' or 'slic', got '${String(shape)}'.`);
    }
    const windowEdgeMm = Math.max(...windowMm.map((w, axis) => (dimensions[axis] > 1 ? w : 0)));
    const allTiles =
      tileFactor === 0
        ? []
        : shape === 'slic'
          ? outsideRoiSegments(image, roi, tileFactor * windowEdgeMm, roiMask)
          : outsideRoiTiles(dimensions, window.map((w) => Math.round(w * tileFactor)) as Vec3, roi, roiMask);
    const tiles = region ? tilesInRegion(allTiles, region, dimensions) : allTiles;
    const count = windows + tiles.length;
    const windowVoxels = window.reduce((product, w, axis) => product * Math.min(w, dimensions[axis]), 1);
    const voxels = image.data.length;
    const scores = new Float64Array(count);
    let received = 0;
    /** The map from perturbations 0 … known − 1: uncovered voxels and unknown tiles stay 0. */
    const mapOf = (baselineScore: number, known: number): Float32Array => {
      const dropSum = new Float64Array(voxels);
      const coverage = new Uint32Array(voxels);
      for (let index = 0; index < Math.min(windows, known); index++) {
        const drop = baselineScore - scores[index];
        forEachVoxelInBox(windowBoxes[index], dimensions, (v) => {
          dropSum[v] += drop;
          coverage[v] += 1;
        });
      }
      const saliency = new Float32Array(voxels);
      forEachRoiVoxel(roi, roiMask, dimensions, (v) => {
        if (coverage[v] > 0) saliency[v] = dropSum[v] / coverage[v];
      });
      tiles.slice(0, Math.max(0, known - windows)).forEach((tile, t) => {
        const perWindow = ((baselineScore - scores[windows + t]) * windowVoxels) / tile.outsideVoxels;
        tile.voxels.forEach((v) => {
          saliency[v] = perWindow;
        });
      });
      return saliency;
    };

    return {
      count,
      write(index, out) {
        out.set(image.data);
        const fill = (v: number) => {
          out[v] = substrate[v];
        };
        if (index < windows) forEachVoxelInBox(windowBoxes[index], dimensions, fill);
        else tiles[index - windows].voxels.forEach(fill);
      },
      receive(index, score) {
        scores[index] = score;
        received = Math.max(received, index + 1);
      },
      finish: (baselineScore) => mapOf(baselineScore, count),
      // Scores arrive in index order: the windows (then tiles) below `received` are known.
      partial: (baselineScore) => mapOf(baselineScore, received),
    };
  },
};
