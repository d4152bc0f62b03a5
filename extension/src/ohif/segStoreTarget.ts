import { ExtensionManager } from './ohifTypes';

/** Where a saved SEG or Parametric Map can be stored: a DICOMweb root, or why the active data source cannot store. */
export type SegStoreTarget = { name: string; root: string } | { name: string; reason: string };

/**
 * The STOW-RS root of the active data source when it is a DICOMweb source (`stowRoot`, else
 * `wadoRoot`, as OHIF's own store does), resolved against the page URL so that a same-origin
 * proxy path such as "/dicom-web" works. Any other source (the dicomjson demo manifests, local
 * files) cannot take a store; the reason says so and what to open instead.
 */
export function segStoreTarget(extensionManager: ExtensionManager, pageUrl: string): SegStoreTarget {
  const source = extensionManager.getActiveDataSourceDefinition?.();
  if (!source) return { name: 'none', reason: 'No data source is active, so there is no PACS to store to.' };
  const name = source.configuration?.friendlyName ?? source.sourceName;
  const root = source.configuration?.stowRoot ?? source.configuration?.wadoRoot;
  if (!/\.dicomweb$/.test(source.namespace) || !root) {
    return {
      name,
      reason:
        `The data source "${name}" (${source.sourceName}) is not a DICOMweb server and cannot store DICOM, ` +
        'so the file is downloaded only. To store it in a PACS, open the study from a DICOMweb source ' +
        '(e.g. the local Orthanc of npm run start:pacs).',
    };
  }
  return { name, root: new URL(root, pageUrl).href };
}
