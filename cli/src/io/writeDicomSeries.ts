import { createHash } from 'crypto';
import * as fs from 'fs';
import * as nodePath from 'path';
import { Volume, voxelToWorld } from '@xai-clip/engine';

// dcmjs has no type declarations; these are the few members used here.
interface DcmjsWriter {
  data: {
    DicomDict: new (meta: object) => { dict: object; write(): ArrayBuffer };
    DicomMetaDictionary: { denaturalizeDataset(dataset: object): object };
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dcmjs = require('dcmjs') as DcmjsWriter;

const SOP_CLASSES: Record<string, string> = {
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CT: '1.2.840.10008.5.1.4.1.1.2',
};
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** UUID-derived root (2.25.x) so that UIDs are valid without a registered organisation root. */
/** A decimal string (DS) fits 16 characters: keep as much precision as fits. */
const ds = (value: number): number => {
  for (let digits = 12; digits > 1; digits--) {
    const rounded = Number(value.toPrecision(digits));
    if (String(rounded).length <= 16) return rounded;
  }
  return Math.round(value);
};
const uidFrom = (...parts: (string | number)[]) =>
  `2.25.${BigInt(`0x${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 30)}`).toString()}`;

export interface DicomSeriesOptions {
  modality: 'MR' | 'CT';
  patientName: string;
  patientId: string;
  studyDescription: string;
  seriesDescription: string;
  /** Seed of the deterministic UIDs (the same input gives the same study/series/instances). */
  uidSeed: string;
}

/**
 * Writes a volume as an uncompressed DICOM image series (MR or CT Image Storage, explicit VR
 * little endian), one file per slice, with its geometry: ImagePositionPatient of each slice,
 * ImageOrientationPatient from the i and j axes, PixelSpacing [row, column] = [sj, si].
 * Values are rounded to 16-bit integers (signed if any is negative, with RescaleSlope 1).
 * A left-handed volume (k against i × j, e.g. LAS NIfTI) keeps each slice's true position,
 * so readers that sort along i × j see the slices in reverse order.
 * Returns the file paths in slice order and the study UID.
 */
export function writeDicomSeries(
  folder: string,
  volume: Volume,
  options: DicomSeriesOptions,
): { files: string[]; studyInstanceUid: string } {
  const [nx, ny, nz] = volume.dimensions;
  const { data, spacing, direction } = volume;
  let min = Infinity;
  let max = -Infinity;
  for (let v = 0; v < data.length; v++) {
    min = Math.min(min, data[v]);
    max = Math.max(max, data[v]);
  }
  const signed = min < 0;
  if ((signed && (min < -32768 || max > 32767)) || (!signed && max > 65535)) {
    throw new Error(`Values ${min}…${max} do not fit 16-bit DICOM pixels; rescale the image first.`);
  }
  const study = uidFrom(options.uidSeed, 'study');
  const series = uidFrom(options.uidSeed, 'series');
  const frame = uidFrom(options.uidSeed, 'frame');
  fs.mkdirSync(folder, { recursive: true });
  const files: string[] = [];
  for (let k = 0; k < nz; k++) {
    const sop = uidFrom(options.uidSeed, 'instance', k);
    const plane = data.subarray(k * nx * ny, (k + 1) * nx * ny) as ArrayLike<number>;
    const pixels = signed ? Int16Array.from(plane, Math.round) : Uint16Array.from(plane, Math.round);
    const dataset = {
      _meta: {
        FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
        MediaStorageSOPClassUID: SOP_CLASSES[options.modality],
        MediaStorageSOPInstanceUID: sop,
        TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
        ImplementationClassUID: '2.25.80302813137786398554742050926734630921',
        ImplementationVersionName: 'XAI-CLIP',
      },
      SpecificCharacterSet: 'ISO_IR 192',
      ImageType: ['DERIVED', 'SECONDARY', 'AXIAL'],
      SOPClassUID: SOP_CLASSES[options.modality],
      SOPInstanceUID: sop,
      StudyInstanceUID: study,
      SeriesInstanceUID: series,
      FrameOfReferenceUID: frame,
      Modality: options.modality,
      PatientName: options.patientName,
      PatientID: options.patientId,
      StudyDescription: options.studyDescription,
      SeriesDescription: options.seriesDescription,
      StudyID: '1',
      SeriesNumber: 1,
      InstanceNumber: k + 1,
      PositionReferenceIndicator: '',
      ImagePositionPatient: voxelToWorld(volume, 0, 0, k).map(ds),
      ImageOrientationPatient: direction.slice(0, 6).map(ds),
      PixelSpacing: [ds(spacing[1]), ds(spacing[0])],
      SliceThickness: ds(spacing[2]),
      SamplesPerPixel: 1,
      PhotometricInterpretation: 'MONOCHROME2',
      Rows: ny,
      Columns: nx,
      BitsAllocated: 16,
      BitsStored: 16,
      HighBit: 15,
      PixelRepresentation: signed ? 1 : 0,
      RescaleIntercept: 0,
      RescaleSlope: 1,
      WindowCenter: ds((min + max) / 2),
      WindowWidth: Math.max(1, max - min),
      PixelData: pixels.buffer,
      _vrMap: { PixelData: 'OW' },
    };
    const { _meta: meta, ...body } = dataset;
    const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(body);
    const file = nodePath.join(folder, `slice_${String(k).padStart(4, '0')}.dcm`);
    fs.writeFileSync(file, Buffer.from(dict.write()));
    files.push(file);
  }
  return { files, studyInstanceUid: study };
}
