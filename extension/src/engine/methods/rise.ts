import { boxVoxelCount, forEachVoxelInBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { createRandom } from '../util/random';
import { PerturbationContext, PerturbationMethod, PerturbationPlan } from './PerturbationMethod';
import { RiseGrid, riseGrid } from './riseGrid';
import { riseMaskCount } from './riseMaskCount';

export interface RiseOptions {
  /** Number of random masks N (unless `masksPerCell` sets it). */
  masks: number;
  /** Cells per axis of the coarse mask grid (s); the grid spans the ROI box (unless `cellMm` sets it). */
  gridSize: number;
  /**
   * Cell edge in mm; > 0 sets the cells per axis from the box's extent instead of `gridSize`, so
   * the full-image and ROI runs cut cells of the same size. 0: `gridSize` cells per axis.
   */
  cellMm?: number;
  /**
   * Masks per grid cell; > 0 sets N = ⌈masksPerCell × cells⌉ instead of `masks`, so a larger box
   * (the full image) gets as many masks per cell as a small one. 0: `masks` masks.
   */
  masksPerCell?: number;
  /** Probability that a coarse cell keeps the image (p). */
  keepProbability: number;
}

/**
 * RISE (Petsiuk et al., BMVC 2018): N random coarse binary masks over the ROI box, upsampled
 * (bi/trilinear) with a random sub-cell shift; the ROI's voxels (the box's, or a mask-shaped
 * ROI's region) are blended toward the substrate where the mask is 0. Saliency = Σ_i (s_i − s̄)·m_i / (N·p): the score-weighted mask average of
 * the paper, centred on the mean score s̄ so that a constant score gives exactly 0.
 * Mask i depends only on (seed, i), so batching never changes the result.
 * The grid has `gridSize` cells per axis, or cells of `cellMm` (`riseGrid`); N is `masks`, or
 * `masksPerCell` per cell.
 *
 * Cost: 1 + N forward passes in ⌈N / batchSize⌉ calls.
 */
export const rise: PerturbationMethod<RiseOptions> = {
  id: 'rise',
  label: 'RISE',
  seeded: true,
  defaults: { masks: 1000, gridSize: 8, cellMm: 0, masksPerCell: 0, keepProbability: 0.5 },
  parameters: [
    {
      key: 'gridSize',
      label: 'Grid cells',
      help: 'Cells per axis of the coarse mask grid over the ROI (s): fewer, larger regions',
      kind: 'integer',
      min: 2,
      max: 64,
    },
    {
      key: 'cellMm',
      label: 'Cell size (mm)',
      help: 'Edge of a mask cell in mm, the same for any box (overrides the grid cells); 0: use the grid cells',
      kind: 'number',
      min: 0,
      max: 200,
    },
    {
      key: 'masksPerCell',
      label: 'Masks per cell',
      help: 'Masks per grid cell, so larger boxes get more masks (overrides the mask count); 0: use the mask count',
      kind: 'number',
      min: 0,
      max: 1000,
    },
    {
      key: 'keepProbability',
      label: 'Keep probability',
      help: 'Probability that a mask cell keeps the image (p)',
      kind: 'number',
      min: 0.05,
      max: 1,
    },
  ],
  plan(context: PerturbationContext, options: RiseOptions): PerturbationPlan {
    const { image, roi, roiMask, substrate, seed } = context;
    const { keepProbability } = options;
    if (!(keepProbability > 0 && keepProbability <= 1)) {
      throw new Error(`RISE keepProbability must be in (0, 1], got ${keepProbability}.`);
    }
    const dims = image.dimensions;
    const extent = [0, 1, 2].map((a) => roi.max[a] - roi.min[a]) as Vec3;
    const grid = riseGrid(extent, image.spacing, options.gridSize, options.cellMm ?? 0);
    const count = riseMaskCount(grid, options.masks, options.masksPerCell ?? 0);
    const boxSize = boxVoxelCount(roi);
    const pending = new Map<number, Float32Array>();
    // Allocated on the first score, so that planning many slices up front stays cheap.
    let weighted = new Float64Array(0);
    let maskSum = new Float64Array(0);
    let scoreSum = 0;
    let received = 0;
    /** The centred score-weighted mask average over the first `n` masks (0 everywhere for none). */
    const mapOf = (n: number): Float32Array => {
      const saliency = new Float32Array(image.data.length);
      if (n === 0) return saliency;
      const meanScore = scoreSum / n;
      const norm = n * keepProbability;
      let at = 0;
      forEachVoxelInBox(roi, dims, (v) => {
        if (!roiMask || roiMask[v]) saliency[v] = (weighted[at] - meanScore * maskSum[at]) / norm;
        at++;
      });
      return saliency;
    };

    return {
      count,
      write(index, out) {
        const mask = riseMask(seed, index, extent, grid, keepProbability);
        pending.set(index, mask);
        out.set(image.data);
        let n = 0;
        forEachVoxelInBox(roi, dims, (v) => {
          if (!roiMask || roiMask[v]) out[v] = substrate[v] + mask[n] * (image.data[v] - substrate[v]);
          n++;
        });
      },
      receive(index, score) {
        const mask = pending.get(index)!;
        pending.delete(index);
        if (weighted.length === 0) {
          weighted = new Float64Array(boxSize);
          maskSum = new Float64Array(boxSize);
        }
        scoreSum += score;
        received += 1;
        for (let n = 0; n < boxSize; n++) {
          weighted[n] += score * mask[n];
          maskSum[n] += mask[n];
        }
      },
      finish: () => mapOf(count),
      partial: () => mapOf(received),
    };
  },
};

/** Mask i over a box of `extent` voxels: values in [0, 1], box-local storage order. */
function riseMask(
  seed: number,
  index: number,
  extent: Vec3,
  { cells, cellSize }: RiseGrid,
  p: number,
): Float32Array {
  const random = createRandom((seed * 1000003 + index * 7919) >>> 0);
  // One grid point more than cells per axis: the random shift slides the grid by up to a cell.
  const gridDims = cells.map((c, a) => (extent[a] > 1 ? c + 1 : 1)) as Vec3;
  const grid = new Uint8Array(gridDims[0] * gridDims[1] * gridDims[2]);
  for (let g = 0; g < grid.length; g++) grid[g] = random() < p ? 1 : 0;
  const tables = [0, 1, 2].map((a) => axisTable(extent[a], cellSize[a], gridDims[a], random()));
  const mask = new Float32Array(extent[0] * extent[1] * extent[2]);
  const [gx, gy] = gridDims;
  const [tx, ty, tz] = tables;
  const lerp = (row: number, x0: number, x1: number, wx: number) =>
    grid[row + x0] + wx * (grid[row + x1] - grid[row + x0]);
  let n = 0;
  for (let z = 0; z < extent[2]; z++) {
    const wz = tz.weight[z];
    for (let y = 0; y < extent[1]; y++) {
      const wy = ty.weight[y];
      // The four grid rows around (y, z) and their bilinear weights.
      const r00 = (tz.lower[z] * gy + ty.lower[y]) * gx;
      const r01 = (tz.lower[z] * gy + ty.upper[y]) * gx;
      const r10 = (tz.upper[z] * gy + ty.lower[y]) * gx;
      const r11 = (tz.upper[z] * gy + ty.upper[y]) * gx;
      const [w00, w01, w10, w11] = [(1 - wz) * (1 - wy), (1 - wz) * wy, wz * (1 - wy), wz * wy];
      for (let x = 0; x < extent[0]; x++, n++) {
        const x0 = tx.lower[x];
        const x1 = tx.upper[x];
        const wx = tx.weight[x];
        mask[n] =
          w00 * lerp(r00, x0, x1, wx) +
          w01 * lerp(r01, x0, x1, wx) +
          w10 * lerp(r10, x0, x1, wx) +
          w11 * lerp(r11, x0, x1, wx);
      }
    }
  }
  return mask;
}

/**
 * Linear-interpolation table along one axis: position x samples the coarse grid at
 * (x + shift + 0.5) / cellSize − 0.5, with a random shift of up to one cell, as RISE crops a
 * randomly shifted upsampled grid.
 */
function axisTable(length: number, cellSize: number, gridLength: number, shiftFraction: number) {
  const lower = new Int32Array(length);
  const upper = new Int32Array(length);
  const weight = new Float32Array(length);
  if (gridLength === 1) return { lower, upper, weight };
  const shift = Math.floor(shiftFraction * cellSize);
  for (let x = 0; x < length; x++) {
    const u = Math.min(Math.max((x + shift + 0.5) / cellSize - 0.5, 0), gridLength - 1);
    const base = Math.min(Math.floor(u), gridLength - 2);
    lower[x] = base;
    upper[x] = base + 1;
    weight[x] = u - base;
  }
  return { lower, upper, weight };
}
