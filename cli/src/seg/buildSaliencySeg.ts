import { binSaliency } from '@xai-clip/engine';
import {
  completeSaliencySeg,
  descendingAlongNormal,
  saliencySegments,
  SegSegment,
  EXPLICIT_VR_LITTLE_ENDIAN,
  segSopClass,
  seriesGrid,
  SOURCE_STUDY_KEYS,
  writeDicomPart10,
} from '@xai-clip/seg';

export interface SaliencySegOptions {
  method: string;
  /** Organ class name (coded with `organCode`). */
  organ: string;
  /** Bins as in the viewer (`binSaliency`): levels − 1 segments. Default 6. */
  levels?: number;
  /** Binary SEG (…66.4, one bit-packed frame per segment and slice) or label-map SEG (…66.7). */
  type?: 'binary' | 'labelmap';
  /** XAI-CLIP's version: SoftwareVersions and each segment's AlgorithmVersion. */
  version: string;
  /** Free text for AlgorithmParameters (model, method settings). */
  parameters?: string;
  /** Default "XAI-CLIP <method> saliency <organ>". */
  seriesDescription?: string;
  seriesNumber?: number;
}

export interface SaliencySeg {
  /** The Part 10 file (explicit VR little endian). */
  bytes: ArrayBuffer;
  /** The naturalized dataset that was written. */
  dataset: Record<string, unknown>;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frames: number;
  segments: SegSegment[];
  /** Voxels per label 1…levels−1. */
  voxelsPerSegment: number[];
}

// The adapter's members used here (its declarations are `any`).
type GenerateSegmentation = (
  images: {
    imageId: string;
    rows: number;
    columns: number;
    voxelManager: { getScalarData(): Uint16Array };
  }[],
  labelmap3D: object,
  metadata: { get(type: string, imageId: string): unknown; getFrameInformationFromURL?(id: string): unknown },
  options: Record<string, unknown>,
) => { dataset: Record<string, unknown> };
// @cornerstonejs/adapters ships as ES modules only: loaded with import() on first use.
let adapter: Promise<GenerateSegmentation> | undefined;

// Header fields the SEG takes from its source, by the module the adapter asks for.
const SERIES_KEYS = [
  'SeriesInstanceUID',
  'Modality',
  'SeriesNumber',
  'FrameOfReferenceUID',
  'PositionReferenceIndicator',
];
const IMAGE_KEYS = [
  'SOPInstanceUID',
  'SOPClassUID',
  'InstanceNumber',
  'ImagePositionPatient',
  'ImageOrientationPatient',
  'PixelSpacing',
  'SliceThickness',
  'Rows',
  'Columns',
];

/**
 * A DICOM SEG of a saliency map over a DICOM series, built with @cornerstonejs/adapters'
 * `generateSegmentation` (the function OHIF's SEG export calls) and completed by
 * `completeSaliencySeg`:
 *
 * - the saliency is binned exactly as the viewer bins it (`binSaliency`, label 0 transparent);
 *   every visible level becomes a segment (SegmentNumber = label, `saliencySegments`), even a
 *   level without voxels;
 * - binary SEG (default): one bit-packed frame per segment and slice that holds it; label-map
 *   SEG: one 8-bit frame per slice that holds any level, pixel value = segment number;
 * - each frame references its source image (DerivationImageSequence, plane position), and
 *   ReferencedSeriesSequence the source series; explicit VR little endian;
 * - series description "XAI-CLIP <method> saliency <organ>", Manufacturer "XAI-CLIP",
 *   SoftwareVersions "XAI-CLIP <version>".
 *
 * `headers` are the naturalized source headers in slice order (slice k ↔ plane k of `saliency`,
 * as `readDicomSeries` orders them). Throws "nothing to save" when no voxel has positive saliency.
 */
export async function buildSaliencySeg(
  headers: Record<string, unknown>[],
  saliency: ArrayLike<number>,
  options: SaliencySegOptions,
): Promise<SaliencySeg> {
  const levels = options.levels ?? 6;
  const type = options.type ?? 'binary';
  const { rows, columns, plane } = seriesGrid(headers, saliency, 'DICOM SEG');
  const { labels, lowerEdges, max } = binSaliency(saliency, levels);
  if (!(max > 0)) {
    throw new Error(
      'The saliency is zero (or negative) everywhere: nothing to save as DICOM SEG. No file was written; ' +
        'check the explanation (e.g. that the model finds the organ on the explained slices).',
    );
  }
  const segments = saliencySegments({
    method: options.method,
    organ: options.organ,
    lowerEdges,
    version: options.version,
    parameters: options.parameters,
  });
  const voxelsPerSegment = lowerEdges.map(() => 0);
  for (let v = 0; v < labels.length; v++) if (labels[v] > 0) voxelsPerSegment[labels[v] - 1]++;

  // The adapter's normaliser re-sorts the images by descending position along the slice normal
  // and takes plane positions from that order but source references from ours: hand it the
  // images already in that order so that both agree.
  const order = descendingAlongNormal(headers);
  const imageId = (k: number) => `xai-clip:${k}`;
  const sliceOf = new Map(headers.map((_, k) => [imageId(k), k]));
  const zeros = new Uint16Array(plane); // the adapter wants source pixels; a SEG does not use them
  const images = order.map((k) => ({
    imageId: imageId(k),
    rows,
    columns,
    voxelManager: { getScalarData: () => zeros },
  }));
  const labelmaps2D = order.map((k) => {
    const pixelData = labels.subarray(k * plane, (k + 1) * plane);
    return { pixelData, segmentsOnLabelmap: presentLabels(pixelData), rows, columns };
  });
  const labelmap3D = {
    segmentsOnLabelmap: segments.map((segment) => segment.SegmentNumber),
    metadata: [undefined, ...segments.map((segment) => ({ ...segment }))],
    labelmaps2D,
  };
  const pick = (k: number, keys: string[]) =>
    Object.fromEntries(
      keys.filter((key) => headers[k][key] !== undefined).map((key) => [key, headers[k][key]]),
    );
  const metadata = {
    get(module: string, id: string): unknown {
      const k = sliceOf.get(id);
      if (k === undefined) return undefined;
      if (module === 'StudyData') return pick(k, SOURCE_STUDY_KEYS);
      if (module === 'SeriesData') return pick(k, SERIES_KEYS);
      if (module === 'ImageData') return pick(k, IMAGE_KEYS);
      if (module === 'imagePlaneModule') {
        const orientation = headers[k].ImageOrientationPatient as number[];
        return {
          imagePositionPatient: headers[k].ImagePositionPatient,
          imageOrientationPatient: orientation,
          rowCosines: orientation.slice(0, 3),
          columnCosines: orientation.slice(3, 6),
          pixelSpacing: headers[k].PixelSpacing,
          rows,
          columns,
        };
      }
      return undefined;
    },
  };

  adapter ??= import('@cornerstonejs/adapters/cornerstone3D/Segmentation/generateSegmentation').then(
    (module) => (module as unknown as { generateSegmentation: GenerateSegmentation }).generateSegmentation,
  );
  const generateSegmentation = await adapter;
  const sopClassUid = segSopClass(type);
  const seriesDescription =
    options.seriesDescription ?? `XAI-CLIP ${options.method} saliency ${options.organ}`.slice(0, 64);
  const { dataset } = generateSegmentation(images, labelmap3D, metadata, {
    sopClassUID: sopClassUid,
    transferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    SeriesDescription: seriesDescription,
    SeriesNumber: String(options.seriesNumber ?? 901),
    Manufacturer: 'XAI-CLIP',
    ManufacturerModelName: 'XAI-CLIP saliency export',
    SoftwareVersions: `XAI-CLIP ${options.version}`.slice(0, 64),
    DeviceSerialNumber: '0',
    ContentDescription: `${options.method} saliency of ${options.organ} in ${levels - 1} levels`.slice(0, 64),
    includeSliceSpacing: true,
  });

  completeSaliencySeg(dataset, { sources: headers, segments });
  const bytes = await writeDicomPart10(dataset);
  return {
    bytes,
    dataset,
    sopClassUid,
    sopInstanceUid: String(dataset.SOPInstanceUID),
    seriesInstanceUid: String(dataset.SeriesInstanceUID),
    studyInstanceUid: String(dataset.StudyInstanceUID),
    frames: Number(dataset.NumberOfFrames),
    segments,
    voxelsPerSegment,
  };
}

/** The non-zero labels of one slice, ascending. */
function presentLabels(pixels: Uint8Array): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < pixels.length; i++) if (pixels[i] !== 0) seen.add(pixels[i]);
  return [...seen].sort((a, b) => a - b);
}
