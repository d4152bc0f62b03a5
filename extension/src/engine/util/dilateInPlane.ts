import { Vec3 } from '../volume/Volume';

/**
 * Grows a binary mask within each slice by an ellipse of `radius` = [ri, rj] voxels (a disc of
 * r mm is [r / spacing_i, r / spacing_j]); slices stay independent. Only edge voxels stamp the
 * ellipse, so the cost is (edge voxels × ellipse area), not (voxels × ellipse area).
 *
 * @returns A new mask; the input itself when both radii are below one voxel.
 */
export function dilateInPlane(mask: Uint8Array, dimensions: Vec3, radius: [number, number]): Uint8Array {
  const [nx, ny, nz] = dimensions;
  const [ri, rj] = radius;
  if (ri < 1 && rj < 1) return mask;
  const offsets: [number, number][] = [];
  const reachI = Math.floor(ri);
  const reachJ = Math.floor(rj);
  for (let dj = -reachJ; dj <= reachJ; dj++) {
    for (let di = -reachI; di <= reachI; di++) {
      // A radius below 1 reaches no neighbour on its axis (di or dj is then 0).
      const u = ri > 0 ? di / ri : 0;
      const w = rj > 0 ? dj / rj : 0;
      if (u * u + w * w <= 1) offsets.push([di, dj]);
    }
  }
  const out = mask.slice();
  for (let k = 0; k < nz; k++) {
    const plane = k * nx * ny;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = plane + j * nx + i;
        if (!mask[v]) continue;
        const interior =
          i > 0 &&
          i < nx - 1 &&
          j > 0 &&
          j < ny - 1 &&
          mask[v - 1] &&
          mask[v + 1] &&
          mask[v - nx] &&
          mask[v + nx];
        if (interior) continue;
        for (const [di, dj] of offsets) {
          const a = i + di;
          const b = j + dj;
          if (a >= 0 && a < nx && b >= 0 && b < ny) out[plane + b * nx + a] = 1;
        }
      }
    }
  }
  return out;
}
