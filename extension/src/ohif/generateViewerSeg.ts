import { completeSaliencySeg, SegSourceImage } from '../seg/completeSaliencySeg';
import { EXPLICIT_VR_LITTLE_ENDIAN, segSopClass } from '../seg/segEncodings';
import { writeDicomPart10 } from '../seg/writeDicomPart10';
import { lo, SegSegment } from '../seg/xaiClipSegment';
import { CommandsManager, CornerstoneLibraries } from './ohifTypes';
import { SeriesLayout } from './SeriesLayout';

export interface ViewerSegRequest {
  /** The labelmap segmentation to save (image-based, derived from `series`). */
  segmentationId: string;
  series: SeriesLayout;
  /** The SegmentSequence to publish (SegmentNumber = label value in the labelmap). */
  segments: SegSegment[];
  type: 'binary' | 'labelmap';
  seriesDescription: string;
  /** SALIENCY or ORGAN. */
  contentLabel: string;
  /** Short free text for ContentDescription. */
  contentDescription: string;
  version: string;
}

export interface ViewerSeg {
  bytes: ArrayBuffer;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  frames: number;
}

/**
 * A DICOM SEG of one of our labelmaps, made by the host: OHIF's `generateSegmentation` command
 * (extension cornerstone-dicom-seg, which runs @cornerstonejs/adapters against the host's own
 * cornerstone cache and metadata — the adapter cannot be bundled, it imports cornerstone core)
 * with the encoding chosen here (binary or label map, explicit VR little endian), then completed
 * by `completeSaliencySeg` exactly as the CLI completes its SEGs (our segments with organ codes
 * and algorithm, full source references) and written as a Part 10 file.
 *
 * Throws, saying what to do, when the source images are not all loaded (a SEG must reference
 * each image it segments) or when the host has no SEG export.
 */
export async function generateViewerSeg(
  commandsManager: CommandsManager,
  { cornerstone }: CornerstoneLibraries,
  request: ViewerSegRequest,
): Promise<ViewerSeg> {
  const imageIds = request.series.imageIds;
  const sources = imageIds.map((imageId) => cornerstone.metaData.get('instance', imageId));
  const missing = imageIds.filter((imageId, k) => !sources[k] || !cornerstone.cache.getImage(imageId));
  if (missing.length > 0) {
    throw new Error(
      `${missing.length} of the ${imageIds.length} source images of this series are not loaded, and a DICOM SEG ` +
        'must reference every image it segments. Scroll through the series (or wait until it has finished ' +
        'loading), then click Save as DICOM SEG again.',
    );
  }
  let generated: { dataset?: Record<string, unknown> } | undefined;
  try {
    generated = (await commandsManager.runCommand('generateSegmentation', {
      segmentationId: request.segmentationId,
      options: {
        sopClassUID: segSopClass(request.type),
        // Both spellings: the host adds its default (RLE) as `transferSyntaxUid`, which the adapter reads first.
        transferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
        transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
        SeriesDescription: lo(request.seriesDescription),
        SeriesNumber: '901',
        Manufacturer: 'XAI-CLIP',
        ManufacturerModelName: 'XAI-CLIP viewer export',
        SoftwareVersions: lo(`XAI-CLIP ${request.version}`),
        DeviceSerialNumber: '0',
        ContentDescription: lo(request.contentDescription),
        includeSliceSpacing: true,
      },
    })) as typeof generated;
  } catch (error) {
    throw new Error(`OHIF could not build the DICOM SEG: ${(error as Error).message}`);
  }
  const dataset = generated?.dataset;
  if (!dataset) {
    throw new Error(
      "OHIF's DICOM SEG export (the generateSegmentation command of @ohif/extension-cornerstone-dicom-seg) " +
        'is not available. Open the study in the XAI-CLIP mode, which loads that extension.',
    );
  }
  completeSaliencySeg(dataset, {
    sources: sources as SegSourceImage[],
    segments: request.segments,
    contentLabel: request.contentLabel,
  });
  return {
    bytes: await writeDicomPart10(dataset),
    sopInstanceUid: String(dataset.SOPInstanceUID),
    seriesInstanceUid: String(dataset.SeriesInstanceUID),
    frames: Number(dataset.NumberOfFrames),
  };
}
