import { explainButtonId, panelId, toolbarButtonsId } from '../../extension/src/id';

/**
 * XAI-CLIP mode: OHIF's basic viewer (tool groups, toolbar, hanging protocol, dicom-seg, dicom-pmap) with
 * the series list on the left, the XAI-CLIP and segmentation panels on the right, and the
 * extension's Explain button at the end of the primary toolbar.
 */
/** Where scripts/start.js serves the extension; app-config.js lists the same URL. */
const EXTENSION_URL = '/xai/xai-clip-extension.mjs';

interface ModeEnterArgs {
  servicesManager: { services: { toolbarService: { updateSection(section: string, ids: string[]): void } } };
}

interface BasicModeInstance {
  onModeEnter: (args: ModeEnterArgs) => void;
  extensions: Record<string, string>;
  toolbarButtons: unknown[];
  [key: string]: unknown;
}

const layoutInstance = {
  id: '@ohif/extension-default.layoutTemplateModule.viewerLayout',
  props: {
    leftPanels: ['@ohif/extension-default.panelModule.seriesList'],
    rightPanels: [panelId, '@ohif/extension-cornerstone.panelModule.panelSegmentation'],
    viewports: [
      {
        namespace: '@ohif/extension-cornerstone.viewportModule.cornerstone',
        displaySetsToDisplay: ['@ohif/extension-default.sopClassHandlerModule.stack'],
      },
      {
        namespace: '@ohif/extension-cornerstone-dicom-seg.viewportModule.dicom-seg',
        displaySetsToDisplay: ['@ohif/extension-cornerstone-dicom-seg.sopClassHandlerModule.dicom-seg'],
      },
      {
        // Saved saliency maps (DICOM Parametric Maps), shown over their source series.
        namespace: '@ohif/extension-cornerstone-dicom-pmap.viewportModule.dicom-pmap',
        displaySetsToDisplay: ['@ohif/extension-cornerstone-dicom-pmap.sopClassHandlerModule.dicom-pmap'],
      },
    ],
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
      // The basic mode's onModeEnter registers these (the customization service resolves the references).
      toolbarButtons: [...base.toolbarButtons, { $reference: toolbarButtonsId }],
      onModeEnter(this: unknown, args: ModeEnterArgs) {
        base.onModeEnter.call(this, args);
        args.servicesManager.services.toolbarService.updateSection('primary', [explainButtonId]);
      },
      hangingProtocol: 'default',
      routes: [{ path: 'xai-clip', layoutTemplate: () => structuredClone(layoutInstance), layoutInstance }],
    };
  },
};
