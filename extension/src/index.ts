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
 * The XAI-CLIP OHIF extension: the panel, the `xaiExplain` command (toolbar "Explain") and
 * its settings, read from `window.config.xaiClip`.
 */
const extension = {
  id,

  preRegistration({
    servicesManager,
    extensionManager,
    appConfig,
  }: {
    servicesManager: { services: Services };
    extensionManager: ExtensionManager;
    appConfig: { xaiClip?: Partial<XaiClipConfig> };
  }) {
    config = { ...config, ...appConfig.xaiClip };
    controller = new XaiClipController(
      servicesManager.services,
      extensionManager,
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

  getCommandsModule({ commandsManager }: { commandsManager: CommandsManager }) {
    void commandsManager;
    return {
      actions: {
        /** Runs XAI-CLIP on the active viewport with the panel's settings (options override them). */
        xaiExplain: (options: Record<string, unknown> = {}) => requireController().explain(options),
        /** Cancels the running explanation. */
        xaiCancel: () => requireController().cancel(),
      },
      definitions: {
        xaiExplain: { commandFn: (options: Record<string, unknown>) => requireController().explain(options) },
        xaiCancel: { commandFn: () => requireController().cancel() },
      },
      defaultContext: 'VIEWER',
    };
  },
};

export default extension;
