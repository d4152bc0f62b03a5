/**
 * The slice grid of a source series (rows, columns, voxels per slice), after checking that a map
 * lies on it: a derived DICOM object (`objectName`, e.g. "DICOM SEG") can only be written on the
 * grid of the series its map was computed on.
 */
export function seriesGrid(
  headers: Record<string, unknown>[],
  map: ArrayLike<number>,
  objectName: string,
): { rows: number; columns: number; plane: number } {
  if (headers.length === 0) throw new Error(`A ${objectName} needs the source series; none was given.`);
  const rows = Number(headers[0].Rows);
  const columns = Number(headers[0].Columns);
  const plane = rows * columns;
  if (map.length !== plane * headers.length) {
    throw new Error(
      `The saliency has ${map.length} voxels but the series has ${headers.length} slices of ` +
        `${columns}×${rows}; a ${objectName} can only be written on the grid of the series it was computed on.`,
    );
  }
  return { rows, columns, plane };
}
