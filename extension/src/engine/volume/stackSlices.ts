import { sliceSpacingReport, SliceSpacingReport } from './sliceSpacingReport';
import { Vec3, Volume } from './Volume';

/** One image of a series as a reader found it: modality values (HU for CT) and where it lies. */
export interface PlacedSlice {
  /** How errors name it (a file path, an image id). */
  name: string;
  /** Modality values (stored values after the modality LUT: HU for CT), row by row. */
  values: ArrayLike<number>;
  /** ImagePositionPatient (LPS mm) of the first pixel; may be absent for a lone slice. */
  position?: number[];
  /** ImageOrientationPatient: row direction then column direction; may be absent for a lone slice. */
  orientation?: number[];
  /** PixelSpacing as DICOM writes it: [between rows, between columns] (mm); NaN where a value is unreadable. */
  pixelSpacing?: number[];
  /** SpacingBetweenSlices or SliceThickness, used only for a lone slice. */
  sliceThickness?: number;
}

/**
 * Where a slice lies, from its naturalized DICOM header (dcmjs in the CLI, OHIF's 'instance'
 * metadata in the viewer): the same tags read the same way by both hosts.
 */
export function placementOf(
  header: Record<string, unknown>,
): Pick<PlacedSlice, 'position' | 'orientation' | 'pixelSpacing' | 'sliceThickness'> {
  return {
    position: numbers(header.ImagePositionPatient, 3),
    orientation: numbers(header.ImageOrientationPatient, 6),
    pixelSpacing: presentValues(header.PixelSpacing ?? header.ImagerPixelSpacing, 2),
    sliceThickness: Number(header.SpacingBetweenSlices ?? header.SliceThickness ?? 1),
  };
}

/** The first `count` values of a multi-value that is present, unreadable ones as NaN (so they can be refused). */
function presentValues(value: unknown, count: number): number[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const list = Array.isArray(value) ? value : String(value).split('\\');
  return Array.from({ length: count }, (_, n) => Number(list[n] ?? NaN));
}

/** Where each stacked slice came from and how regular the stack is. */
export interface StackedSeries extends Volume<Int16Array | Float32Array> {
  /** order[k]: the index, in the slices given, of volume slice k. */
  order: number[];
  /** How evenly the slices lie; spacing[2] is its mean step. Readers decide whether gaps are refused. */
  spacingReport: SliceSpacingReport;
}

/**
 * Stacks the images of one series into a Volume in LPS millimetres: the one place a series' geometry
 * is decided, so that the CLI (files read by dcmjs) and the viewer (images decoded by cornerstone)
 * give the network the same voxels.
 *
 * Slices are sorted by their position along the slice normal (row direction × column direction),
 * ascending, so direction = [row, column, normal] is right-handed and spacing[2] > 0, as in
 * cornerstone3D and ITK; the order the images came in does not matter. The voxels are Int16 when
 * every value is an integer that fits, else Float32 (exact for 16-bit stored values).
 */
export function stackSlices(slices: PlacedSlice[], columns: number, rows: number): StackedSeries {
  if (slices.length === 0) throw new Error('A series needs at least one image.');
  const plane = columns * rows;
  for (const slice of slices) {
    if (slice.values.length < plane) {
      throw new Error(
        `${slice.name} holds ${slice.values.length} pixels, fewer than its ${columns}×${rows} grid needs; ` +
          'the image is truncated. Replace it with an intact copy.',
      );
    }
  }
  const lone = slices.length === 1;
  const orientation = numbers(slices[0].orientation, 6) ?? (lone ? [1, 0, 0, 0, 1, 0] : undefined);
  if (!orientation) {
    throw new Error(
      `${slices[0].name} has no ImageOrientationPatient, so its slices cannot be placed in space. ` +
        'Only cross-sectional series (CT, MR, PET) can be read.',
    );
  }
  const row = orientation.slice(0, 3);
  const column = orientation.slice(3, 6);
  checkOrientation(slices[0].name, row, column);
  const normal = normalise(cross(row, column));
  const placed = slices.map((slice, index) => {
    const own = numbers(slice.orientation, 6) ?? orientation;
    if (own.some((v, n) => Math.abs(v - orientation[n]) > 1e-3)) {
      throw new Error(
        `${slice.name} is oriented differently (${own.join('\\')}) from ${slices[0].name} (${orientation.join('\\')}); ` +
          'a volume needs parallel slices. Split the series by orientation.',
      );
    }
    const position = numbers(slice.position, 3) ?? (lone ? [0, 0, 0] : undefined);
    if (!position)
      throw new Error(`${slice.name} has no ImagePositionPatient, so it cannot be placed in the volume.`);
    return { index, position: position as Vec3, distance: dot(position, normal) };
  });
  placed.sort((a, b) => a.distance - b.distance);

  const steps = placed.slice(1).map((slice, k) => slice.distance - placed[k].distance);
  const duplicate = steps.findIndex((step) => step < 1e-4);
  if (duplicate >= 0) {
    throw new Error(
      `${slices[placed[duplicate].index].name} and ${slices[placed[duplicate + 1].index].name} lie at the same ` +
        'position; the series seems to hold several acquisitions (echoes, phases, time points). Keep one acquisition per series.',
    );
  }
  const first = slices[placed[0].index];
  const thickness = first.sliceThickness !== undefined && first.sliceThickness > 0 ? first.sliceThickness : 1;
  const spacingReport = sliceSpacingReport(
    placed.map((slice) => slice.distance),
    thickness,
  );
  const pixelSpacing = first.pixelSpacing ?? [1, 1];
  if (!pixelSpacing.every((v) => v > 0 && Number.isFinite(v))) {
    throw new Error(
      `${first.name} has PixelSpacing ${pixelSpacing.join('\\')}: pixel sizes must be positive numbers of millimetres. ` +
        'Correct the tag (e.g. with dcmodify) or export the series again from the scanner or PACS.',
    );
  }
  const order = placed.map((slice) => slice.index);
  return {
    data: stackValues(
      order.map((index) => slices[index].values),
      plane,
    ),
    dimensions: [columns, rows, slices.length],
    // PixelSpacing is [between rows (along j), between columns (along i)].
    spacing: [pixelSpacing[1], pixelSpacing[0], spacingReport.meanStep],
    origin: [...placed[0].position] as Vec3,
    direction: [...row, ...column, ...normal],
    order,
    spacingReport,
  };
}

/** ImageOrientationPatient must be two perpendicular unit vectors (to within rounding in the header). */
function checkOrientation(name: string, row: number[], column: number[]): void {
  const tolerance = 1e-2;
  const unit = (v: number[]) => Math.abs(Math.hypot(v[0], v[1], v[2]) - 1) < tolerance;
  if (!unit(row) || !unit(column) || Math.abs(dot(row, column)) > tolerance) {
    throw new Error(
      `${name} has ImageOrientationPatient ${[...row, ...column].join('\\')}, which is not two perpendicular unit ` +
        'vectors, so its pixels cannot be placed in space. Correct the tag or export the series again from the scanner or PACS.',
    );
  }
}

/** The planes one after another: Int16 when every value is an integer in range, else Float32. */
function stackValues(planes: ArrayLike<number>[], plane: number): Int16Array | Float32Array {
  const fitsInt16 = planes.every((values) => integersInInt16(values, plane));
  const data = fitsInt16 ? new Int16Array(plane * planes.length) : new Float32Array(plane * planes.length);
  planes.forEach((values, k) => copyPlane(values, plane, data, k * plane));
  return data;
}

function integersInInt16(values: ArrayLike<number>, count: number): boolean {
  for (let n = 0; n < count; n++) {
    const v = values[n];
    if (!(v >= -32768 && v <= 32767 && Math.round(v) === v)) return false;
  }
  return true;
}

function copyPlane(
  values: ArrayLike<number>,
  count: number,
  out: Int16Array | Float32Array,
  at: number,
): void {
  for (let n = 0; n < count; n++) out[at + n] = values[n];
}

/** A numeric multi-value of at least `count` numbers (arrays or DICOM backslash strings), or undefined. */
export function numbers(value: unknown, count: number): number[] | undefined {
  const list = (Array.isArray(value) ? value : typeof value === 'string' ? value.split('\\') : []).map(
    Number,
  );
  return list.length >= count && list.slice(0, count).every(Number.isFinite)
    ? list.slice(0, count)
    : undefined;
}

function cross(a: number[], b: number[]): number[] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function normalise(v: number[]): number[] {
  const length = Math.hypot(v[0], v[1], v[2]);
  return v.map((x) => x / length);
}
