import { buildSaliencyParametricMap } from '../seg/buildSaliencyParametricMap';
import { segParameters } from '../seg/segParameters';
import { xaiClipVersion } from '../version';
import { deliverDicom, DicomDelivery, dicomFileName } from './deliverDicom';
import { ExplainedResult } from './ExplainedResult';
import { CornerstoneLibraries, ExtensionManager, Services } from './ohifTypes';

export interface ParametricMapExport extends DicomDelivery {
  kind: 'pmap';
  seriesDescription: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  frames: number;
  /** The saliency's range, as the map's value mapping states it. */
  min: number;
  max: number;
}

/**
 * Saves a result's continuous saliency as a DICOM Parametric Map (`buildSaliencyParametricMap`,
 * the CLI's --pmap writer) over its series, with the run's parameters, then downloads and stores
 * it (`deliverDicom`). Only the images' headers are needed, so the series need not be loaded.
 * Refuses, saying what to do, when there is no result or its saliency is zero everywhere.
 */
export async function exportParametricMap(
  host: { services: Services; libraries: CornerstoneLibraries; extensionManager: ExtensionManager },
  result: ExplainedResult | undefined,
): Promise<ParametricMapExport> {
  if (!result) throw new Error('There is no XAI-CLIP result to save yet: click Explain first.');
  const { report, series, saliency } = result;
  if (!saliency.some((value) => value !== 0)) {
    throw new Error(
      'The saliency is zero everywhere: nothing to save as a Parametric Map, and no file was written. Explain a ' +
        'slice where the model finds the organ (tick "Show the model\'s predicted organ" to see where it does).',
    );
  }
  const headers = series.imageIds.map((imageId) =>
    host.libraries.cornerstone.metaData.get('instance', imageId),
  );
  const missing = headers.filter((header) => !header).length;
  if (missing > 0) {
    throw new Error(
      `The viewer has no DICOM header for ${missing} of the ${headers.length} images of this series, and a ` +
        'Parametric Map must reference every image it covers. Reopen the study, then save again.',
    );
  }
  const seriesDescription = `XAI-CLIP ${report.method} saliency map ${report.organ}`;
  const pmap = await buildSaliencyParametricMap(headers as Record<string, unknown>[], saliency, {
    method: report.method,
    organ: report.organ,
    version: xaiClipVersion,
    parameters: segParameters(report),
    seriesDescription,
  });
  const delivery = await deliverDicom(host, {
    bytes: pmap.bytes,
    fileName: dicomFileName(seriesDescription, '.pmap.dcm'),
    series,
    what: 'Parametric Map',
  });
  return {
    kind: 'pmap',
    ...delivery,
    seriesDescription,
    sopInstanceUid: pmap.sopInstanceUid,
    seriesInstanceUid: pmap.seriesInstanceUid,
    frames: pmap.frames,
    min: pmap.min,
    max: pmap.max,
  };
}
