/**
 * The ids other bundles refer to XAI-CLIP by. The mode is a separate bundle loaded by URL, so it
 * imports this module (webpack copies it into both) instead of repeating the strings.
 */

/** Extension id; every module entry is `xai-clip.<moduleType>.<name>`. */
export const id = 'xai-clip';

/** The XAI-CLIP panel: its name in the panel module, and its id as a layout's `rightPanels` lists it. */
export const panelName = 'xaiClip';
export const panelId = `${id}.panelModule.${panelName}`;

/** The toolbar's Explain button (OHIF also makes it the button's data-cy). */
export const explainButtonId = 'XaiExplain';

/** The customization holding the extension's toolbar buttons; a mode's `toolbarButtons` references it. */
export const toolbarButtonsId = `${id}.toolbarButtons`;

/** The commands the extension registers, run with `commandsManager.runCommand(name, options)`. */
export const commandNames = {
  explain: 'xaiExplain',
  cancel: 'xaiCancel',
  saveSeg: 'xaiSaveSeg',
  goToOrgan: 'xaiGoToOrgan',
  getState: 'xaiGetState',
  getResult: 'xaiGetResult',
  readActiveVolume: 'xaiReadActiveVolume',
  inspectSlice: 'xaiInspectSlice',
  faithfulness: 'xaiFaithfulness',
  exportReport: 'xaiExportReport',
  checkSanity: 'xaiCheckSanity',
} as const;
