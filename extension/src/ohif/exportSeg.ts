import { deliverDicom, DicomDelivery, dicomFileName } from './deliverDicom';
import { generateViewerSeg, ViewerSeg, ViewerSegRequest } from './generateViewerSeg';
import { CommandsManager, CornerstoneLibraries, ExtensionManager, Services } from './ohifTypes';

export interface SegExport extends DicomDelivery {
  kind: 'seg';
  seg: ViewerSeg;
  type: 'binary' | 'labelmap';
  seriesDescription: string;
}

/** Builds the SEG (`generateViewerSeg`), downloads it and stores it where the study came from (`deliverDicom`). */
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
  const delivery = await deliverDicom(host, {
    bytes: seg.bytes,
    fileName: dicomFileName(request.seriesDescription, '.seg.dcm'),
    series: request.series,
    what: 'SEG',
  });
  return { kind: 'seg', ...delivery, seg, type: request.type, seriesDescription: request.seriesDescription };
}
