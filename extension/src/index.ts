import { id } from './id';
import { getCommandsModule } from './ohif/getCommandsModule';
import { getCustomizationModule } from './ohif/getCustomizationModule';
import { getPanelModule } from './ohif/getPanelModule';
import { CommandsManager, ExtensionManager, Services, XaiClipConfig } from './ohif/ohifTypes';
import { XaiClipController } from './ohif/XaiClipController';
import { createExplainWorker } from './worker/createExplainWorker';

let controller: XaiClipController | undefined;

const requireController = () => {
  if (!controller) throw new Error('XAI-CLIP is not initialised.');
  return controller;
};

/**
 * The XAI-CLIP OHIF extension: the panel, the commands (`xaiExplain` and the others of
 * `commandNames`) and the toolbar's Explain button (a customization the mode references). Its
 * settings are the app's `window.config.xaiClip`, read at each use.
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
    controller = new XaiClipController(
      servicesManager.services,
      extensionManager,
      commandsManager,
      () => ({ models: [], ...appConfig.xaiClip }),
      createExplainWorker,
    );
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
    return getCommandsModule(requireController);
  },

  getCustomizationModule,
};

export default extension;
