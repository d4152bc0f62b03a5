import { estimatePasses } from '../runtime/estimatePasses';
import { explainRequestOf } from './explainRequestOf';
import { PanelSettings, PanelState, RunCost } from './panelState';
import { PassSpeeds } from './PassSpeeds';

/** Runs estimated to take longer than this ask before they start. */
export const CONFIRM_RUNS_LONGER_THAN_MS = 2 * 60_000;

/**
 * What a run with `settings` on the slice shown would cost: its passes (estimatePasses, from the
 * survey of the selected organ) and their time at this model's measured speed on the backend the
 * panel last ran on (or the one it ran on last, before any run of this page). Undefined until
 * the survey of the organ is done; an estimate the settings make impossible says why.
 */
export function runCostOf(
  settings: PanelSettings,
  state: Pick<PanelState, 'survey' | 'currentSlice' | 'backend'>,
  speeds: PassSpeeds,
): RunCost | undefined {
  const survey = state.survey?.result;
  if (!survey || state.survey!.organ !== settings.organ) return undefined;
  const slice = state.currentSlice;
  if (slice === undefined && settings.scope === 'slice') return undefined; // no slice shown yet
  try {
    const { passes } = estimatePasses(explainRequestOf(settings, slice ?? 0), survey);
    const speed = speeds.of(survey.model, state.backend);
    return {
      passes,
      ...(speed ? { ms: passes * speed.msPerPass, backend: speed.backend } : {}),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
