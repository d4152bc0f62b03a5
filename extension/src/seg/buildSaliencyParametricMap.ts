import { distancesAlongNormal } from './descendingAlongNormal';
import { Code, organCode, sct } from './organCode';
import { seriesGrid } from './seriesGrid';
import { SOURCE_STUDY_KEYS } from './sourceStudyKeys';
import { EXPLICIT_VR_LITTLE_ENDIAN } from './segEncodings';
import { writeDicomPart10 } from './writeDicomPart10';
import { lo } from './xaiClipSegment';

/** SOP class of a DICOM Parametric Map (PS3.3 A.75). */
export const PARAMETRIC_MAP = '1.2.840.10008.5.1.4.1.1.30';

export interface SaliencyParametricMapOptions {
  method: string;
  /** Organ class name (coded with `organCode` as the quantity's finding site). */
  organ: string;
  /** XAI-CLIP's version: SoftwareVersions and the algorithm version. */
  version: string;
  /** Free text (model, method settings), written as the algorithm's parameters. */
  parameters?: string;
  /** Default "XAI-CLIP <method> saliency map <organ>". */
  seriesDescription?: string;
  seriesNumber?: number;
}

export interface SaliencyParametricMap {
  /** The Part 10 file (explicit VR little endian). */
  bytes: ArrayBuffer;
  /** The naturalized dataset that was written. */
  dataset: Record<string, unknown>;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  frames: number;
  /** The saliency's range, as the map's window and value mapping state it. */
  min: number;
  max: number;
}

// dcmjs has no type declarations; this is the one member used here.
interface DcmjsUids {
  data: { DicomMetaDictionary: { uid(): string } };
}

const dcm = (CodeValue: string, CodeMeaning: string): Code => ({
  CodeValue,
  CodingSchemeDesignator: 'DCM',
  CodeMeaning,
});
// CID 217 (as highdicom codes neural-network saliency maps), the concept names of TID 1419-style
// quantity definitions and algorithm identification (TID 4019), and UCUM's dimensionless unit.
const QUANTITY = sct('246205007', 'Quantity');
const SALIENCY = dcm('130404', 'Saliency');
const FINDING_SITE = sct('363698007', 'Finding Site');
const ALGORITHM_NAME = dcm('111001', 'Algorithm Name');
const ALGORITHM_VERSION = dcm('111003', 'Algorithm Version');
const ALGORITHM_PARAMETERS = dcm('111002', 'Algorithm Parameters');
const NO_UNITS: Code = { CodeValue: '1', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'no units' };
const SOURCE_PURPOSE = dcm('121322', 'Source image for image processing operation');
const IMAGE_PROCESSING = dcm('110001', 'Image Processing');

// Attribute tags as numbers, as dcmjs writes AT values (DimensionIndexPointer, FunctionalGroupPointer).
const IMAGE_POSITION_PATIENT_TAG = 0x00200032;
const PLANE_POSITION_SEQUENCE_TAG = 0x00209113;

// Header fields the map copies from its source series (Patient, General Study, Frame of Reference).
const COPIED_KEYS = [...SOURCE_STUDY_KEYS, 'FrameOfReferenceUID'];

/**
 * A DICOM Parametric Map (SOP class 1.2.840.10008.5.1.4.1.1.30) of a saliency map over a DICOM
 * series: the continuous counterpart of the binned SEG, shared by the viewer and the CLI.
 *
 * - Float32 values exactly as computed (Float Pixel Data), one frame per source slice, frames
 *   in ascending position along the slice normal: the order of cornerstone3D's volumes, into
 *   which OHIF's PMAP loader copies the frames as they come;
 * - a Real World Value Mapping (identity, no units) whose quantity is Saliency (DCM 130404), with
 *   the organ as finding site and XAI-CLIP's name, version and parameters; a window over the
 *   saliency's range;
 * - per frame: plane position, the source image it derives from, and its dimension index; shared:
 *   pixel measures and orientation of the source; ReferencedSeriesSequence lists every source
 *   image; patient, study and frame of reference as the source's.
 *
 * `headers` are the naturalized source headers, slice k ↔ plane k of `saliency`. Throws when the
 * saliency does not fit the series' grid or holds a value that is not finite.
 */
export async function buildSaliencyParametricMap(
  headers: Record<string, unknown>[],
  saliency: ArrayLike<number>,
  options: SaliencyParametricMapOptions,
): Promise<SaliencyParametricMap> {
  const { rows, columns, plane } = seriesGrid(headers, saliency, 'Parametric Map');
  const order = ascendingAlongNormal(headers);
  const pixels = new Float32Array(plane * headers.length);
  order.forEach((k, f) => {
    for (let p = 0; p < plane; p++) pixels[f * plane + p] = saliency[k * plane + p];
  });
  const { min, max } = finiteRange(pixels);

  const dcmjs = (await import('dcmjs')) as DcmjsUids;
  const uid = () => dcmjs.data.DicomMetaDictionary.uid();
  const sopInstanceUid = uid();
  const seriesInstanceUid = uid();
  const dimensionOrganizationUid = uid();
  const source = headers[order[0]];
  const now = new Date();
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const time = now.toISOString().slice(11, 19).replace(/:/g, '');
  const imageType = ['DERIVED', 'PRIMARY', 'VOLUME', 'NONE'];
  const copied = Object.fromEntries(
    COPIED_KEYS.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  );
  const spacing = sliceSpacing(headers, order);
  const window = { center: (min + max) / 2, width: Math.max(max - min, Number.EPSILON) };
  const organ = organCode(options.organ);

  const dataset: Record<string, unknown> = {
    _meta: {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: PARAMETRIC_MAP,
      MediaStorageSOPInstanceUID: sopInstanceUid,
      TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
      ImplementationClassUID: '2.25.80302813137786398554742050926734630921',
      ImplementationVersionName: 'XAI-CLIP',
    },
    _vrMap: {},
    SpecificCharacterSet: 'ISO_IR 192',
    SOPClassUID: PARAMETRIC_MAP,
    SOPInstanceUID: sopInstanceUid,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    ...copied,
    PatientName: copied.PatientName ?? '',
    PatientID: copied.PatientID ?? '',
    PatientBirthDate: copied.PatientBirthDate ?? '',
    PatientSex: copied.PatientSex ?? '',
    StudyDate: copied.StudyDate ?? '',
    StudyTime: copied.StudyTime ?? '',
    StudyID: copied.StudyID ?? '',
    AccessionNumber: copied.AccessionNumber ?? '',
    ReferringPhysicianName: copied.ReferringPhysicianName ?? '',
    PositionReferenceIndicator: source.PositionReferenceIndicator ?? '',
    // Parametric Map Series
    Modality: 'OT',
    Laterality: source.Laterality ?? '',
    SeriesInstanceUID: seriesInstanceUid,
    SeriesNumber: String(options.seriesNumber ?? 902),
    SeriesDescription: lo(
      options.seriesDescription ?? `XAI-CLIP ${options.method} saliency map ${options.organ}`,
    ),
    // General and Enhanced General Equipment
    Manufacturer: 'XAI-CLIP',
    ManufacturerModelName: 'XAI-CLIP saliency export',
    DeviceSerialNumber: '0',
    SoftwareVersions: lo(`XAI-CLIP ${options.version}`),
    // Parametric Map Image, Image Pixel
    ImageType: imageType,
    ContentQualification: 'RESEARCH',
    InstanceNumber: '1',
    ContentDate: date,
    ContentTime: time,
    ContentLabel: 'SALIENCY',
    ContentDescription: lo(`${options.method} saliency of ${options.organ}`),
    ContentCreatorName: '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: rows,
    Columns: columns,
    BitsAllocated: 32,
    PresentationLUTShape: 'IDENTITY',
    LossyImageCompression: '00',
    BurnedInAnnotation: 'NO',
    RecognizableVisualFeatures: 'NO',
    AcquisitionContextSequence: [],
    // Multi-frame Functional Groups, Multi-frame Dimension
    NumberOfFrames: headers.length,
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: [
      {
        DimensionOrganizationUID: dimensionOrganizationUid,
        DimensionIndexPointer: IMAGE_POSITION_PATIENT_TAG,
        FunctionalGroupPointer: PLANE_POSITION_SEQUENCE_TAG,
        DimensionDescriptionLabel: 'ImagePositionPatient',
      },
    ],
    SharedFunctionalGroupsSequence: [
      {
        PixelMeasuresSequence: [
          {
            PixelSpacing: source.PixelSpacing,
            SliceThickness: source.SliceThickness ?? spacing ?? '',
            ...(spacing !== undefined ? { SpacingBetweenSlices: spacing } : {}),
          },
        ],
        PlaneOrientationSequence: [{ ImageOrientationPatient: source.ImageOrientationPatient }],
        PixelValueTransformationSequence: [{ RescaleIntercept: 0, RescaleSlope: 1, RescaleType: 'US' }],
        // LINEAR_EXACT: saliency ranges are often narrower than 1, which LINEAR does not allow.
        FrameVOILUTSequence: [
          { WindowCenter: ds(window.center), WindowWidth: ds(window.width), VOILUTFunction: 'LINEAR_EXACT' },
        ],
        ParametricMapFrameTypeSequence: [{ FrameType: imageType }],
        RealWorldValueMappingSequence: [
          {
            DoubleFloatRealWorldValueFirstValueMapped: min,
            DoubleFloatRealWorldValueLastValueMapped: max,
            RealWorldValueIntercept: 0,
            RealWorldValueSlope: 1,
            LUTExplanation: lo(`${options.method} saliency of ${options.organ}`),
            LUTLabel: 'SALIENCY',
            MeasurementUnitsCodeSequence: [NO_UNITS],
            QuantityDefinitionSequence: [
              { ValueType: 'CODE', ConceptNameCodeSequence: [QUANTITY], ConceptCodeSequence: [SALIENCY] },
              {
                ValueType: 'CODE',
                ConceptNameCodeSequence: [FINDING_SITE],
                ConceptCodeSequence: [organ.type],
              },
              {
                ValueType: 'TEXT',
                ConceptNameCodeSequence: [ALGORITHM_NAME],
                TextValue: `XAI-CLIP ${options.method}`,
              },
              { ValueType: 'TEXT', ConceptNameCodeSequence: [ALGORITHM_VERSION], TextValue: options.version },
              ...(options.parameters
                ? [
                    {
                      ValueType: 'TEXT',
                      ConceptNameCodeSequence: [ALGORITHM_PARAMETERS],
                      TextValue: options.parameters,
                    },
                  ]
                : []),
            ],
          },
        ],
      },
    ],
    PerFrameFunctionalGroupsSequence: order.map((k, f) => ({
      FrameContentSequence: [{ DimensionIndexValues: [f + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: headers[k].ImagePositionPatient }],
      DerivationImageSequence: [
        {
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: headers[k].SOPClassUID,
              ReferencedSOPInstanceUID: headers[k].SOPInstanceUID,
              PurposeOfReferenceCodeSequence: [SOURCE_PURPOSE],
            },
          ],
          DerivationCodeSequence: [IMAGE_PROCESSING],
        },
      ],
    })),
    ReferencedSeriesSequence: [
      {
        SeriesInstanceUID: source.SeriesInstanceUID,
        ReferencedInstanceSequence: order.map((k) => ({
          ReferencedSOPClassUID: headers[k].SOPClassUID,
          ReferencedSOPInstanceUID: headers[k].SOPInstanceUID,
        })),
      },
    ],
    FloatPixelData: [pixels.buffer],
  };
  return {
    bytes: await writeDicomPart10(dataset),
    dataset,
    sopInstanceUid,
    seriesInstanceUid,
    studyInstanceUid: String(source.StudyInstanceUID),
    frames: headers.length,
    min,
    max,
  };
}

/** Slice indices by ascending position along the normal of the first image's orientation. */
function ascendingAlongNormal(headers: Record<string, unknown>[]): number[] {
  const distance = distancesAlongNormal(headers);
  return headers.map((_, k) => k).sort((a, b) => distance[a] - distance[b]);
}

/** The spacing between slices when it is the same everywhere (to 1 %); undefined otherwise. */
function sliceSpacing(headers: Record<string, unknown>[], order: number[]): number | undefined {
  if (order.length < 2) return undefined;
  const distance = distancesAlongNormal(headers);
  const gaps = order.slice(1).map((k, n) => distance[k] - distance[order[n]]);
  const first = gaps[0];
  if (!(first > 0) || gaps.some((gap) => Math.abs(gap - first) > 0.01 * first)) return undefined;
  return Number(first.toFixed(6));
}

/** A number short enough for a DS value (16 characters). */
function ds(value: number): number {
  return Number(value.toPrecision(8));
}

/** min and max of the map; a NaN or infinite value is refused (it cannot be shown or thresholded). */
function finiteRange(values: Float32Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < values.length; v++) {
    const value = values[v];
    if (!Number.isFinite(value)) {
      throw new Error(
        `The saliency holds a value that is not a finite number (${value}) at voxel ${v}: nothing was written. ` +
          'Check the model outputs (e.g. NaN from an input it cannot handle).',
      );
    }
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}
