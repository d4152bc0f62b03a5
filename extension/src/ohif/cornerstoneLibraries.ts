import { CornerstoneLibraries, ExtensionManager } from './ohifTypes';

/** The host's cornerstone core and tools (never bundled: a second copy would not share its cache). */
export function cornerstoneLibraries(extensionManager: ExtensionManager): CornerstoneLibraries {
  const entry = extensionManager.getModuleEntry('@ohif/extension-cornerstone.utilityModule.common');
  if (!entry) throw new Error('The cornerstone extension is not loaded.');
  return entry.exports.getCornerstoneLibraries();
}
