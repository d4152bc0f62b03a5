import { commandNames } from '../id';
import { PanelSettings } from './panelState';
import { ExplainOverrides, XaiClipController } from './XaiClipController';

/**
 * The extension's commands, run through OHIF's commandsManager by the toolbar, hotkeys, other
 * extensions and the end-to-end tests. Each action is written once; its definition points at it.
 */
export function getCommandsModule(controller: () => XaiClipController) {
  const actions = {
    /**
     * Explains the active viewport's series with the panel's settings (options override them).
     * Resolves to the report, or undefined when held back, refused or failed (the panel says why).
     */
    [commandNames.explain]: (options: ExplainOverrides = {}) => controller().explain(options),
    /** Cancels the running explanation. */
    [commandNames.cancel]: () => controller().cancel(),
    /**
     * Saves the last result as DICOM SEG (download, and STOW-RS to a DICOMweb source); options
     * override the panel's segContent / segType.
     */
    [commandNames.saveSeg]: (options: Partial<PanelSettings> = {}) => controller().saveSeg(options),
    /**
     * Measures the current run's faithfulness (options override the panel's faithfulnessRandom);
     * resolves to the figures, or undefined when refused, cancelled or failed.
     */
    [commandNames.faithfulness]: (options: Pick<Partial<PanelSettings>, 'faithfulnessRandom'> = {}) =>
      controller().measureFaithfulness(options),
    /** Downloads the current run's HTML report; returns its file name. */
    [commandNames.exportReport]: () => controller().exportReport(),
    /** Runs the current run's sanity checks; resolves to their report, or undefined (the panel says why). */
    [commandNames.checkSanity]: () => controller().checkSanity(),
    /** Shows the slice where the selected organ is largest. */
    [commandNames.goToOrgan]: () => controller().goToOrgan(),
    /** What the panel shows: settings, run status and progress, report, overlays, survey, slice shown. */
    [commandNames.getState]: () => controller().store.state,
    /** The last result: its maps on the series' grid (saliency, predicted organ, ROI) and report. */
    [commandNames.getResult]: () => controller().lastResult(),
    /** The active series as the engine reads it: voxels in modality values and geometry. */
    [commandNames.readActiveVolume]: () => controller().readActiveVolume(),
    /** Slice `slice` (volume order) as the network receives it and as the model labels it. */
    [commandNames.inspectSlice]: ({ slice }: { slice: number }) => controller().inspectSlice(slice),
  };
  return {
    actions,
    definitions: Object.fromEntries(
      Object.entries(actions).map(([name, commandFn]) => [name, { commandFn }]),
    ),
    defaultContext: 'VIEWER',
  };
}
