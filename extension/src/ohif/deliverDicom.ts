import { storeToDicomWeb } from '../seg/storeToDicomWeb';
import { downloadFile } from './downloadFile';
import { ExtensionManager, Services } from './ohifTypes';
import { SeriesLayout } from './SeriesLayout';
import { segStoreTarget, SegStoreTarget } from './segStoreTarget';

/** Where a saved DICOM object went. */
export interface DicomDelivery {
  fileName: string;
  target: SegStoreTarget;
  /** Set when the target is a DICOMweb server and it took the object. */
  stored: boolean;
  /** Why the store failed (the file was still downloaded). */
  storeError?: string;
}

/**
 * Always downloads a DICOM object, then stores it with STOW-RS in the active data source when that
 * is a DICOMweb server (after checking there that the source series is held, so the object can be
 * shown over it). A failed store is reported, never thrown: the file is already downloaded and the
 * viewer untouched, so the user can retry.
 */
export async function deliverDicom(
  host: { services: Services; extensionManager: ExtensionManager },
  object: { bytes: ArrayBuffer; fileName: string; series: SeriesLayout; what: string },
): Promise<DicomDelivery> {
  downloadFile(object.bytes, object.fileName);
  const target = segStoreTarget(host.extensionManager, location.href);
  const delivery: DicomDelivery = { fileName: object.fileName, target, stored: false };
  if (!('root' in target)) return delivery;
  const { displaySet } = object.series;
  try {
    await storeToDicomWeb(target.root, object.bytes, {
      referencedSeries: {
        StudyInstanceUID: displaySet.StudyInstanceUID,
        SeriesInstanceUID: displaySet.SeriesInstanceUID,
      },
      headers: host.services.userAuthenticationService?.getAuthorizationHeader?.() ?? {},
      what: object.what,
    });
    delivery.stored = true;
  } catch (error) {
    delivery.storeError = (error as Error).message;
  }
  return delivery;
}

/** A file name from a series description: letters, digits, dots and dashes, the rest as "_". */
export function dicomFileName(seriesDescription: string, suffix: string): string {
  return `${seriesDescription.replace(/[^A-Za-z0-9.-]+/g, '_')}${suffix}`;
}
