/**
 * Indices of image headers sorted by descending position along the slice normal (row × column
 * direction of the first image's ImageOrientationPatient): the frame order of dcmjs's multiframe
 * normaliser, and so of the SEGs that @cornerstonejs/adapters builds.
 */
export function descendingAlongNormal(headers: Record<string, unknown>[]): number[] {
  const distance = distancesAlongNormal(headers);
  return headers.map((_, k) => k).sort((a, b) => distance[b] - distance[a]);
}

/** Each image's position along the slice normal of the first image's orientation, in mm. */
export function distancesAlongNormal(headers: Record<string, unknown>[]): number[] {
  const orientation = (headers[0].ImageOrientationPatient as number[]).map(Number);
  const [r, c] = [orientation.slice(0, 3), orientation.slice(3, 6)];
  const normal = [r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]];
  return headers.map((header) => {
    const p = (header.ImagePositionPatient as number[]).map(Number);
    return p[0] * normal[0] + p[1] * normal[1] + p[2] * normal[2];
  });
}
