import { getPanelModule } from './ohif/getPanelModule';
import { CommandsManager, ExtensionManager, Services, XaiClipConfig } from './ohif/ohifTypes';
import { XaiClipController } from './ohif/XaiClipController';
import { id } from './id';
import { createExplainWorker } from './worker/createExplainWorker';

let controller: XaiClipController | undefined;
let config: XaiClipConfig = { models: [] };

const requireController = () => {
  if (!controller) throw new Error('XAI-CLIP is not initialised.');
  return controller;
};

/**
 * The XAI-CLIP OHIF extension: the panel, the `xaiExplain` command (toolbar "Explain"), the
 * `xaiSaveSeg` command (panel "Save as DICOM SEG") and its settings, read from
 * `window.config.xaiClip`.
 */
const extension = {
  id,

  preRegistration({
    servicesManager,
    extensionManager,
    commandsManager,
    appConfig,
  }: {
    servicesManager: { services: Services };
    extensionManager: ExtensionManager;
    commandsManager: CommandsManager;
    appConfig: { xaiClip?: Partial<XaiClipConfig> };
  }) {
    config = { ...config, ...appConfig.xaiClip };
    controller = new XaiClipController(
      servicesManager.services,
      extensionManager,
      commandsManager,
      config,
      createExplainWorker,
    );
    (window as unknown as { xaiClip: XaiClipController }).xaiClip = controller;
  },

  onModeEnter() {
    requireController().attach();
  },

  onModeExit() {
    controller?.detach();
  },

  getPanelModule() {
    return getPanelModule(requireController);
  },

  getCommandsModule() {
    return {
      actions: {
        /** Runs XAI-CLIP on the active viewport with the panel's settings (options override them). */
        xaiExplain: (options: Record<string, unknown> = {}) => requireController().explain(options),
        /** Cancels the running explanation. */
        xaiCancel: () => requireController().cancel(),
        /** Saves the last result as DICOM SEG (download, and STOW-RS to a DICOMweb source); options override the panel's segContent / segType. */
        xaiSaveSeg: (options: Record<string, unknown> = {}) => requireController().saveSeg(options),
      },
      definitions: {
        xaiExplain: { commandFn: (options: Record<string, unknown>) => requireController().explain(options) },
        xaiCancel: { commandFn: () => requireController().cancel() },
        xaiSaveSeg: { commandFn: (options: Record<string, unknown>) => requireController().saveSeg(options) },
      },
      defaultContext: 'VIEWER',
    };
  },
};

export default extension;
