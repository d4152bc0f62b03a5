import { storeToDicomWeb } from '../seg/storeToDicomWeb';
import { downloadFile } from './downloadFile';
import { generateViewerSeg, ViewerSeg, ViewerSegRequest } from './generateViewerSeg';
import { CommandsManager, CornerstoneLibraries, ExtensionManager, Services } from './ohifTypes';
import { segStoreTarget, SegStoreTarget } from './segStoreTarget';

export interface SegExport {
  seg: ViewerSeg;
  type: 'binary' | 'labelmap';
  seriesDescription: string;
  fileName: string;
  target: SegStoreTarget;
  /** Set when the target is a DICOMweb server and it took the SEG. */
  stored: boolean;
  /** Why the store failed (the SEG was still downloaded). */
  storeError?: string;
}

/**
 * Builds the SEG (`generateViewerSeg`), always downloads it, then stores it with STOW-RS in the
 * active data source when that is a DICOMweb server (after checking there that the source series
 * is held, so the SEG can be shown over it). A failed store is reported in the result, never
 * thrown: the file is already downloaded and the overlay untouched, so the user can retry.
 */
export async function exportSeg(
  host: {
    services: Services;
    libraries: CornerstoneLibraries;
    commandsManager: CommandsManager;
    extensionManager: ExtensionManager;
  },
  request: ViewerSegRequest,
): Promise<SegExport> {
  const seg = await generateViewerSeg(host.commandsManager, host.libraries, request);
  const fileName = `${request.seriesDescription.replace(/[^A-Za-z0-9.-]+/g, '_')}.seg.dcm`;
  downloadFile(seg.bytes, fileName);
  const target = segStoreTarget(host.extensionManager, location.href);
  const result: SegExport = {
    seg,
    type: request.type,
    seriesDescription: request.seriesDescription,
    fileName,
    target,
    stored: false,
  };
  if (!('root' in target)) return result;
  const { displaySet } = request.series;
  try {
    await storeToDicomWeb(target.root, seg.bytes, {
      referencedSeries: {
        StudyInstanceUID: displaySet.StudyInstanceUID,
        SeriesInstanceUID: displaySet.SeriesInstanceUID,
      },
      headers: host.services.userAuthenticationService?.getAuthorizationHeader?.() ?? {},
    });
    result.stored = true;
  } catch (error) {
    result.storeError = (error as Error).message;
  }
  return result;
}
