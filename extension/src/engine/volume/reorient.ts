import { ArrayConvention, inArrayConvention } from './arrayConvention';
import { AxisMapping } from './AxisMapping';
import { Vec3, Volume, VoxelArray } from './Volume';
import { voxelCount, voxelToWorld } from './volumeUtils';

/**
 * Anatomical orientation of a voxel grid as three letters, one per voxel axis (i, j, k), each
 * naming where that axis increases towards, as nibabel's axis codes do: "LPS" is the DICOM
 * display (i to the patient's left, j to posterior, k to superior), "RAS" a typical NIfTI,
 * "LAS" the CHAOS MR NIfTI files.
 */
export type OrientationCode = string;

/** The LPS unit vector each letter points along. */
const LETTER_VECTORS: Record<string, Vec3> = {
  L: [1, 0, 0],
  R: [-1, 0, 0],
  P: [0, 1, 0],
  A: [0, -1, 0],
  S: [0, 0, 1],
  I: [0, 0, -1],
};

/** Whether `code` names an orientation: one of L/R, one of A/P, one of S/I, in any order. */
export function isOrientationCode(code: string): boolean {
  return (
    /^[LRAPSI]{3}$/.test(code) &&
    ['LR', 'AP', 'SI'].every((pair) => [...code].filter((c) => pair.includes(c)).length === 1)
  );
}

/**
 * The mapping of `volume`'s voxel axes onto `orientation`: each target axis takes the source axis
 * closest to its direction (the largest cosine first, as nibabel's io_orientation does), so an
 * oblique series maps to the nearest orientation without resampling. Undefined when the grid
 * already is in that orientation.
 */
export function axisMapping(
  volume: Pick<Volume, 'dimensions' | 'spacing' | 'direction'>,
  orientation: OrientationCode,
): AxisMapping | undefined {
  if (!isOrientationCode(orientation)) {
    throw new Error(
      `"${orientation}" is not an orientation: use three letters naming where voxel axes i, j, k point, one of L/R, A/P and S/I each (e.g. LPS, RAS).`,
    );
  }
  const { direction: d } = volume;
  const cosine = (t: number, a: number) => {
    const w = LETTER_VECTORS[orientation[t]];
    return d[3 * a] * w[0] + d[3 * a + 1] * w[1] + d[3 * a + 2] * w[2];
  };
  const pairs = [0, 1, 2].flatMap((t) => [0, 1, 2].map((a) => ({ t, a, c: cosine(t, a) })));
  pairs.sort((x, y) => Math.abs(y.c) - Math.abs(x.c));
  const axes = [-1, -1, -1] as [number, number, number];
  const flips = [false, false, false] as [boolean, boolean, boolean];
  const taken = new Set<number>();
  for (const { t, a, c } of pairs) {
    if (axes[t] >= 0 || taken.has(a)) continue;
    axes[t] = a;
    flips[t] = c < 0;
    taken.add(a);
  }
  if (axes.every((a, t) => a === t) && !flips.some(Boolean)) return undefined;
  return {
    axes,
    flips,
    dimensions: axes.map((a) => volume.dimensions[a]) as Vec3,
    spacing: axes.map((a) => volume.spacing[a]) as Vec3,
  };
}

/** sourceIndex[r]: the source voxel that voxel r of the reoriented grid holds. */
export function sourceIndexOf(sourceDimensions: Vec3, mapping: AxisMapping): Int32Array {
  const { axes, flips, dimensions } = mapping;
  const strides = [1, sourceDimensions[0], sourceDimensions[0] * sourceDimensions[1]];
  // Per target axis: the source offset of its first voxel and the step between its voxels.
  const start = [0, 1, 2].map((t) => (flips[t] ? (dimensions[t] - 1) * strides[axes[t]] : 0));
  const step = [0, 1, 2].map((t) => (flips[t] ? -1 : 1) * strides[axes[t]]);
  const out = new Int32Array(voxelCount(dimensions));
  let r = 0;
  for (let z = 0; z < dimensions[2]; z++) {
    for (let y = 0; y < dimensions[1]; y++) {
      let at = start[0] + start[1] + start[2] + y * step[1] + z * step[2];
      for (let x = 0; x < dimensions[0]; x++, at += step[0]) out[r++] = at;
    }
  }
  return out;
}

/** `volume` in `orientation`: the same voxels, reordered, with the geometry that keeps them in place. */
export function reorientVolume<T extends VoxelArray>(
  volume: Volume<T>,
  orientation: OrientationCode,
): Volume<T> {
  const mapping = axisMapping(volume, orientation);
  if (!mapping) return volume;
  const index = sourceIndexOf(volume.dimensions, mapping);
  const data = new (volume.data.constructor as new (length: number) => T)(index.length);
  for (let r = 0; r < index.length; r++) data[r] = volume.data[index[r]];
  const { axes, flips } = mapping;
  const corner = axes.map((a, t) => (flips[t] ? volume.dimensions[a] - 1 : 0));
  const cornerIjk = [0, 0, 0];
  axes.forEach((a, t) => (cornerIjk[a] = corner[t]));
  return {
    data,
    dimensions: mapping.dimensions,
    spacing: mapping.spacing,
    origin: voxelToWorld(volume, cornerIjk[0], cornerIjk[1], cornerIjk[2]),
    direction: axes.flatMap((a, t) =>
      // + 0 turns −0 into 0.
      volume.direction.slice(3 * a, 3 * a + 3).map((v) => (flips[t] ? -v : v) + 0),
    ),
  };
}

/** The slice plane whose normal runs along `letter`'s axis. */
function planeAcross(letter: string): string {
  return 'SI'.includes(letter) ? 'axial' : 'AP'.includes(letter) ? 'coronal' : 'sagittal';
}

/** Moves voxels between a grid and its reoriented copy (see `voxelReorder`). */
export interface VoxelReorder {
  /** The grid in the target orientation. */
  dimensions: Vec3;
  spacing: Vec3;
  /** Writes `source` (on the source grid) reoriented into `out`. */
  gather(source: ArrayLike<number>, out: Float32Array): void;
  /** Writes `values` (on the reoriented grid) back in source order into `out`. */
  scatter(values: ArrayLike<number>, out: Float32Array): void;
}

/**
 * What a network trained in `orientation` needs to see `image`'s grid as it was trained, its
 * axes then in the order of `convention` (see `ArrayConvention`): the reordered grid's axes 0,
 * 1, 2 are the network's W, H, D. "native" keeps the voxels' orientation as stored; undefined
 * when nothing moves. With `slicewise` (a 2-D network, one slice at a time) the slice axis must
 * stay the slice axis; which way it runs does not matter.
 */
export function voxelReorder(
  image: Pick<Volume, 'dimensions' | 'spacing' | 'direction'>,
  orientation: OrientationCode | 'native' | undefined,
  slicewise: boolean,
  convention: ArrayConvention = 'itk',
): VoxelReorder | undefined {
  const mapping = networkAxisMapping(image, orientation, slicewise, convention);
  if (mapping.axes.every((a, t) => a === t) && !mapping.flips.some(Boolean)) return undefined;
  const index = sourceIndexOf(image.dimensions, mapping);
  return {
    dimensions: mapping.dimensions,
    spacing: mapping.spacing,
    gather: (source, out) => {
      for (let r = 0; r < index.length; r++) out[r] = source[index[r]];
    },
    scatter: (values, out) => {
      for (let r = 0; r < index.length; r++) out[index[r]] = values[r];
    },
  };
}

/** The axis mapping behind `voxelReorder` (the identity when nothing moves), without its voxel index. */
export function networkAxisMapping(
  image: Pick<Volume, 'dimensions' | 'spacing' | 'direction'>,
  orientation: OrientationCode | 'native' | undefined,
  slicewise: boolean,
  convention: ArrayConvention = 'itk',
): AxisMapping {
  const code = orientation === 'native' ? undefined : orientation;
  const oriented = code ? axisMapping(image, code) : undefined;
  if (slicewise && code && oriented) {
    if (oriented.axes[2] !== 2) {
      throw new Error(
        `The model takes ${planeAcross(code[2])} slices (orientation ${code}) but this series' slices are ` +
          `${planeAcross(code[oriented.axes.indexOf(2)])}: reformat the series to ${planeAcross(code[2])} slices first.`,
      );
    }
    oriented.flips[2] = false;
  }
  const unchanged: AxisMapping = {
    axes: [0, 1, 2],
    flips: [false, false, false],
    dimensions: [...image.dimensions] as Vec3,
    spacing: [...image.spacing] as Vec3,
  };
  return inArrayConvention(oriented ?? unchanged, convention, slicewise);
}

/** The direction cosines (i, j, k in LPS) of a grid stored in `orientation`. */
export function directionOf(orientation: OrientationCode): number[] {
  if (!isOrientationCode(orientation)) throw new Error(`"${orientation}" is not an orientation code.`);
  return [...orientation].flatMap((letter) => LETTER_VECTORS[letter]);
}
