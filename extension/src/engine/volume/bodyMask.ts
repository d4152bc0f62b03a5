import { Vec3 } from './Volume';

/** CT air and lung are far below soft tissue (about −1000 vs 0 HU): −500 HU splits them. */
export const CT_AIR_BELOW_HU = -500;
/**
 * MR has no absolute scale: air is noise near zero, tissue is bright. A percentile alone fails when
 * air fills most of the field of view, so air is what lies below a fraction of the robust maximum
 * (the 99th percentile, which a few hot voxels cannot move).
 */
export const MR_AIR_BELOW_FRACTION = 0.08;
const ROBUST_MAX_PERCENTILE = 0.99;
const HISTOGRAM_BINS = 4096;

/**
 * Where the body is (1) and where the air around it is (0), from the image alone, so that an
 * overlay never colours air: on each slice, the voxels below the air cut (CT −500 HU; other
 * modalities 8 % of the 99th percentile) that connect to the slice's edge. Dark voxels enclosed
 * by tissue (lung, bowel gas, vessels or suppressed fat on MR) are body.
 */
export function bodyMask(values: ArrayLike<number>, modality: string, dimensions: Vec3): Uint8Array {
  const airBelow =
    modality === 'CT' ? CT_AIR_BELOW_HU : MR_AIR_BELOW_FRACTION * percentile(values, ROBUST_MAX_PERCENTILE);
  const [nx, ny, nz] = dimensions;
  const plane = nx * ny;
  const mask = new Uint8Array(values.length).fill(1);
  const queue = new Int32Array(plane);
  for (let k = 0; k < nz; k++) {
    const offset = k * plane;
    let head = 0;
    let tail = 0;
    const reach = (i: number, j: number) => {
      const v = offset + i + j * nx;
      if (mask[v] === 1 && values[v] < airBelow) {
        mask[v] = 0;
        queue[tail++] = v - offset;
      }
    };
    for (let i = 0; i < nx; i++) {
      reach(i, 0);
      reach(i, ny - 1);
    }
    for (let j = 0; j < ny; j++) {
      reach(0, j);
      reach(nx - 1, j);
    }
    while (head < tail) {
      const v = queue[head++];
      const [i, j] = [v % nx, Math.floor(v / nx)];
      if (i > 0) reach(i - 1, j);
      if (i < nx - 1) reach(i + 1, j);
      if (j > 0) reach(i, j - 1);
      if (j < ny - 1) reach(i, j + 1);
    }
  }
  return mask;
}

/** The p-quantile (0–1) of `values`, to a 1/4096 of their range (a histogram: no sort of millions). */
export function percentile(values: ArrayLike<number>, p: number): number {
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < values.length; v++) {
    if (values[v] < min) min = values[v];
    if (values[v] > max) max = values[v];
  }
  if (!(max > min)) return values.length ? min : 0;
  const width = (max - min) / HISTOGRAM_BINS;
  const counts = new Uint32Array(HISTOGRAM_BINS);
  for (let v = 0; v < values.length; v++)
    counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((values[v] - min) / width))]++;
  const wanted = p * values.length;
  let seen = 0;
  for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
    seen += counts[bin];
    if (seen >= wanted) return min + (bin + 1) * width;
  }
  return max;
}
