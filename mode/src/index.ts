/**
 * XAI-CLIP mode: OHIF's basic viewer (tool groups, toolbar, hanging protocol, dicom-seg)
 * with the series list on the left, the XAI-CLIP and segmentation panels on the right, and an
 * "Explain" toolbar button running `xaiExplain`.
 */
/** Where scripts/start.js serves the extension; app-config.js lists the same URL. */
const EXTENSION_URL = '/xai/xai-clip-extension.mjs';

interface ToolbarService {
  register(buttons: unknown[]): void;
  updateSection(section: string, ids: string[]): void;
}

interface ModeEnterArgs {
  servicesManager: { services: { toolbarService: ToolbarService } };
}

interface BasicModeInstance {
  onModeEnter: (args: ModeEnterArgs) => void;
  extensions: Record<string, string>;
  [key: string]: unknown;
}

const layoutInstance = {
  id: '@ohif/extension-default.layoutTemplateModule.viewerLayout',
  props: {
    leftPanels: ['@ohif/extension-default.panelModule.seriesList'],
    rightPanels: [
      'xai-clip.panelModule.xaiClip',
      '@ohif/extension-cornerstone.panelModule.panelSegmentation',
    ],
    viewports: [
      {
        namespace: '@ohif/extension-cornerstone.viewportModule.cornerstone',
        displaySetsToDisplay: ['@ohif/extension-default.sopClassHandlerModule.stack'],
      },
      {
        namespace: '@ohif/extension-cornerstone-dicom-seg.viewportModule.dicom-seg',
        displaySetsToDisplay: ['@ohif/extension-cornerstone-dicom-seg.sopClassHandlerModule.dicom-seg'],
      },
    ],
  },
};

const explainButton = {
  id: 'XaiExplain',
  uiType: 'ohif.toolButton',
  props: {
    icon: 'tab-segmentation',
    label: 'Explain',
    tooltip: 'XAI-CLIP: explain the segmentation of the selected organ',
    commands: { commandName: 'xaiExplain', commandOptions: {} },
    evaluate: 'evaluate.action',
  },
};

export default {
  id: 'xai-clip-mode',
  async modeFactory({
    loadModules,
  }: {
    loadModules: (names: string[]) => Promise<{ modeInstance: BasicModeInstance }[]>;
  }) {
    const [basic] = await loadModules(['@ohif/mode-basic']);
    const base = basic.modeInstance;
    return {
      ...base,
      id: 'xai-clip-mode',
      routeName: 'xai-clip',
      displayName: 'XAI-CLIP',
      extensions: { ...base.extensions, [EXTENSION_URL]: '^0.1.0' },
      onModeEnter(this: unknown, args: ModeEnterArgs) {
        base.onModeEnter.call(this, args);
        const { toolbarService } = args.servicesManager.services;
        toolbarService.register([explainButton]);
        toolbarService.updateSection('primary', ['XaiExplain']);
      },
      hangingProtocol: 'default',
      routes: [{ path: 'xai-clip', layoutTemplate: () => structuredClone(layoutInstance), layoutInstance }],
    };
  },
};
