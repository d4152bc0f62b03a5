import { Box, boxVoxelCount, fullBox } from '../volume/Box';
import { Vec3 } from '../volume/Volume';
import { voxelCount } from '../volume/volumeUtils';

/**
 * Linear (bi- or trilinear) resampling of a grid to another size over the same extent.
 *
 * Moves images between the scanner grid and a model's input grid, and maps saliency back. Follows
 * the pixel-centre convention of torch `interpolate(align_corners=False)` and `cv2.resize`: the
 * centre of destination voxel d maps to source coordinate (d + 0.5)·(nₛ / n_d) − 0.5, clamped to
 * [0, nₛ − 1]. Trilinear interpolation is separable, so it is done as one 1-D pass per axis whose
 * size changes (an axis of equal size is copied, not interpolated), with index and weight tables
 * built once per axis. No antialiasing: strong downsampling skips detail, as in torch.
 *
 * With `region` (a box of the target grid) only the target voxels inside it are written, with
 * the same arithmetic as a whole-grid call, so they are bit-identical to it; the rest of `out` is
 * left as it is. A perturbed copy of an image then costs only the footprint of what changed
 * (`resampleFootprint`).
 *
 * @param source Voxels of the source grid in storage order (i fastest).
 * @param sourceDimensions [nx, ny, nz] of the source.
 * @param targetDimensions [nx, ny, nz] of the result.
 * @param out Optional array of the target's voxel count to write into (must not alias `source`).
 * @param region Optional box of the target grid to write (default: all of it).
 * @returns `out`, or a new array, holding the resampled voxels.
 */
export function resampleLinear(
  source: Float32Array,
  sourceDimensions: Vec3,
  targetDimensions: Vec3,
  out?: Float32Array,
  region: Box = fullBox(targetDimensions),
): Float32Array {
  if (source.length !== voxelCount(sourceDimensions)) {
    throw new RangeError(`The source has ${source.length} values, not ${sourceDimensions.join('×')}.`);
  }
  const targetCount = voxelCount(targetDimensions);
  if (targetCount === 0)
    throw new RangeError(`Cannot resample to the empty grid ${targetDimensions.join('×')}.`);
  const result = out ?? new Float32Array(targetCount);
  if (result.length !== targetCount) {
    throw new RangeError(
      `The output has ${result.length} values but ${targetDimensions.join('×')} needs ${targetCount}.`,
    );
  }
  if (boxVoxelCount(region) === 0) return result;
  const tables = [0, 1, 2].map((axis) =>
    sourceDimensions[axis] === targetDimensions[axis]
      ? undefined
      : axisTable(sourceDimensions[axis], targetDimensions[axis]),
  );
  // Each pass reads the source box its output box needs: along the axes still to be resampled,
  // the source lines the region's first and last voxels interpolate from.
  const sourceBoxOf = (done: number): Box => {
    const min = [...region.min] as Vec3;
    const max = [...region.max] as Vec3;
    for (let axis = done; axis < 3; axis++) {
      const table = tables[axis];
      if (!table) continue;
      min[axis] = table.lower[region.min[axis]];
      max[axis] = table.upper[region.max[axis] - 1] + 1;
    }
    return { min, max };
  };
  let values: StoredBox = { data: source, box: fullBox(sourceDimensions) };
  const changed = [0, 1, 2].filter((axis) => tables[axis]);
  if (changed.length === 0) {
    copyBox(values, { data: result, box: fullBox(targetDimensions) }, region);
    return result;
  }
  for (const axis of changed) {
    const last = axis === changed[changed.length - 1];
    const box = sourceBoxOf(axis + 1);
    const next: StoredBox = last
      ? { data: result, box: fullBox(targetDimensions) }
      : { data: new Float32Array(boxVoxelCount(box)), box };
    interpolateAxis(values, next, axis, tables[axis]!, box);
    values = next;
  }
  return result;
}

/**
 * The box of the target grid whose voxels read any source voxel of `changed`: the only target
 * voxels a change inside `changed` can alter (an axis of equal size maps one to one).
 */
export function resampleFootprint(changed: Box, sourceDimensions: Vec3, targetDimensions: Vec3): Box {
  const min = [...changed.min] as Vec3;
  const max = [...changed.max] as Vec3;
  for (let axis = 0; axis < 3; axis++) {
    if (sourceDimensions[axis] === targetDimensions[axis]) continue;
    const { lower, upper } = axisTable(sourceDimensions[axis], targetDimensions[axis]);
    const size = targetDimensions[axis];
    let first = 0;
    while (first < size && upper[first] < changed.min[axis]) first++;
    let last = size - 1;
    while (last >= 0 && lower[last] >= changed.max[axis]) last--;
    min[axis] = first;
    max[axis] = Math.max(first, last + 1);
  }
  return { min, max };
}

/**
 * The box of the source grid that the target voxels of `region` are mostly made from: along each
 * axis, from the source sample that the region's first target sample reads with a weight of at
 * least ½ (its nearest; both at a tie) to that of its last. An axis of equal size maps one to one.
 */
export function resampleSourceBox(region: Box, sourceDimensions: Vec3, targetDimensions: Vec3): Box {
  const min = [...region.min] as Vec3;
  const max = [...region.max] as Vec3;
  for (let axis = 0; axis < 3; axis++) {
    if (sourceDimensions[axis] === targetDimensions[axis] || region.max[axis] <= region.min[axis]) continue;
    const { lower, upper, fraction } = axisTable(sourceDimensions[axis], targetDimensions[axis]);
    const [first, last] = [region.min[axis], region.max[axis] - 1];
    min[axis] = fraction[first] > 0.5 ? upper[first] : lower[first];
    max[axis] = (fraction[last] >= 0.5 ? upper[last] : lower[last]) + 1;
  }
  return { min, max };
}

/** Values stored for a box of a grid, i fastest (the whole grid when the box is). */
interface StoredBox {
  data: Float32Array;
  box: Box;
}

interface AxisTable {
  lower: Int32Array;
  upper: Int32Array;
  fraction: Float32Array;
}

/** For each target sample along an axis: the two source samples it lies between, and where. */
function axisTable(sourceSize: number, size: number): AxisTable {
  const lower = new Int32Array(size);
  const upper = new Int32Array(size);
  const fraction = new Float32Array(size);
  const scale = sourceSize / size;
  for (let d = 0; d < size; d++) {
    const position = Math.min(sourceSize - 1, Math.max(0, (d + 0.5) * scale - 0.5));
    lower[d] = Math.floor(position);
    upper[d] = Math.min(sourceSize - 1, lower[d] + 1);
    fraction[d] = position - lower[d];
  }
  return { lower, upper, fraction };
}

/** Index of voxel (i, j, k) in a stored box. */
function indexIn(stored: StoredBox, i: number, j: number, k: number): number {
  const { min, max } = stored.box;
  const nx = max[0] - min[0];
  const ny = max[1] - min[1];
  return i - min[0] + nx * (j - min[1] + ny * (k - min[2]));
}

/** Fills `box` of `target` by interpolating `source` along `axis` (other axes: same coordinates). */
function interpolateAxis(
  source: StoredBox,
  target: StoredBox,
  axis: number,
  { lower, upper, fraction }: AxisTable,
  box: Box,
): void {
  const from = source.data;
  const to = target.data;
  for (let k = box.min[2]; k < box.max[2]; k++) {
    for (let j = box.min[1]; j < box.max[1]; j++) {
      const out = indexIn(target, box.min[0], j, k);
      if (axis === 0) {
        // Along i the lines are contiguous: one sample per output, no inner loop.
        const line = indexIn(source, 0, j, k);
        for (let i = box.min[0], o = out; i < box.max[0]; i++, o++) {
          const a = from[line + lower[i]];
          to[o] = a + fraction[i] * (from[line + upper[i]] - a);
        }
        continue;
      }
      const d = axis === 1 ? j : k;
      const line0 =
        axis === 1 ? indexIn(source, box.min[0], lower[d], k) : indexIn(source, box.min[0], j, lower[d]);
      const line1 =
        axis === 1 ? indexIn(source, box.min[0], upper[d], k) : indexIn(source, box.min[0], j, upper[d]);
      const w = fraction[d];
      for (let n = 0, width = box.max[0] - box.min[0]; n < width; n++) {
        const a = from[line0 + n];
        to[out + n] = a + w * (from[line1 + n] - a);
      }
    }
  }
}

/** Copies `box` from one stored box to another (grids of equal size). */
function copyBox(source: StoredBox, target: StoredBox, box: Box): void {
  const width = box.max[0] - box.min[0];
  for (let k = box.min[2]; k < box.max[2]; k++) {
    for (let j = box.min[1]; j < box.max[1]; j++) {
      const from = indexIn(source, box.min[0], j, k);
      target.data.set(source.data.subarray(from, from + width), indexIn(target, box.min[0], j, k));
    }
  }
}
