import { descendingAlongNormal } from './descendingAlongNormal';
import { SegSegment } from './xaiClipSegment';

/** A source image's naturalized header (any order); these keys are the ones used. */
export interface SegSourceImage {
  SOPInstanceUID?: unknown;
  SOPClassUID?: unknown;
  SeriesInstanceUID?: unknown;
  ImagePositionPatient?: unknown;
  ImageOrientationPatient?: unknown;
  [keyword: string]: unknown;
}

const SOURCE_PURPOSE = {
  CodeValue: '121322',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Source image for image processing operation',
};
const SEGMENTATION_DERIVATION = {
  CodeValue: '113076',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Segmentation',
};

/**
 * Completes, in place, a naturalized SEG dataset made by @cornerstonejs/adapters'
 * `generateSegmentation` (in Node by `buildSaliencySeg`, in the viewer by OHIF's
 * `generateSegmentation` command) into the saliency SEG we publish, fixing what the adapter
 * leaves out or gets wrong (dciodvfy finds no error in the result):
 *
 * - SegmentSequence = `segments` (every level, SegmentNumber = label; the adapter renumbers the
 *   segments it keeps 1, 2, … and drops empty ones, so the numbers drift from the frames');
 * - each frame's DerivationImageSequence gets the source's SOP class, the purpose of reference
 *   and the derivation code (the adapter writes the SOP instance UID only), and its
 *   PlanePositionSequence the source's position;
 * - FrameContentSequence dimension values (segment, position) for binary SEGs, (position) for
 *   label maps, whose DimensionIndexSequence loses the segment dimension; no per-frame
 *   orientation when the shared one is set;
 * - ReferencedSeriesSequence: the source series with the instances the frames use;
 * - SpecificCharacterSet ISO_IR 192 (dcmjs writes UTF-8), ContentLabel `contentLabel` (default
 *   SALIENCY; the viewer writes ORGAN for the predicted organ mask), SegmentsOverlap NO.
 *
 * Throws if a frame references an image that is not among `sources`.
 */
export function completeSaliencySeg(
  dataset: Record<string, unknown>,
  {
    sources,
    segments,
    contentLabel = 'SALIENCY',
  }: { sources: SegSourceImage[]; segments: SegSegment[]; contentLabel?: string },
): void {
  const binary = dataset.SegmentationType !== 'LABELMAP';
  const bySop = new Map(sources.map((source) => [String(source.SOPInstanceUID), source]));
  const rank = new Map(
    descendingAlongNormal(sources).map((k, n) => [String(sources[k].SOPInstanceUID), n + 1]),
  );
  dataset.SegmentSequence = segments.map((segment) => ({ ...segment }));
  dataset.SpecificCharacterSet = 'ISO_IR 192';
  dataset.ContentLabel = contentLabel;
  dataset.ContentCreatorName = '';
  if (binary) dataset.SegmentsOverlap = 'NO';
  else {
    const dimensions = list(dataset.DimensionIndexSequence);
    dataset.DimensionIndexSequence = dimensions.filter(
      (d) => d.DimensionDescriptionLabel !== 'ReferencedSegmentNumber',
    );
  }

  const shared = list(dataset.SharedFunctionalGroupsSequence)[0];
  const referenced = new Set<string>();
  list(dataset.PerFrameFunctionalGroupsSequence).forEach((frame, f) => {
    const uid = String(
      list(list(frame.DerivationImageSequence)[0]?.SourceImageSequence)[0]?.ReferencedSOPInstanceUID ?? '',
    );
    const source = bySop.get(uid);
    if (!source) {
      throw new Error(`SEG frame ${f + 1} references no source image of the series (${uid || 'none'}).`);
    }
    referenced.add(uid);
    frame.DerivationImageSequence = [
      {
        SourceImageSequence: [
          {
            ReferencedSOPClassUID: source.SOPClassUID,
            ReferencedSOPInstanceUID: uid,
            PurposeOfReferenceCodeSequence: [SOURCE_PURPOSE],
          },
        ],
        DerivationCodeSequence: [SEGMENTATION_DERIVATION],
      },
    ];
    frame.PlanePositionSequence = [{ ImagePositionPatient: source.ImagePositionPatient }];
    if (shared?.PlaneOrientationSequence) delete frame.PlaneOrientationSequence;
    const position = rank.get(uid)!;
    const segment = Number(list(frame.SegmentIdentificationSequence)[0]?.ReferencedSegmentNumber);
    frame.FrameContentSequence = [{ DimensionIndexValues: binary ? [segment, position] : [position] }];
  });
  dataset.ReferencedSeriesSequence = [
    {
      SeriesInstanceUID: sources[0].SeriesInstanceUID,
      ReferencedInstanceSequence: sources
        .filter((source) => referenced.has(String(source.SOPInstanceUID)))
        .map((source) => ({
          ReferencedSOPClassUID: source.SOPClassUID,
          ReferencedSOPInstanceUID: source.SOPInstanceUID,
        })),
    },
  ];
}

/** A naturalized sequence as a list (dcmjs gives a lone item as an object). */
function list(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
}
