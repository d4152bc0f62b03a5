import React from 'react';
import type { PanelState } from '../ohif/panelState';
import type { XaiClipController } from '../ohif/XaiClipController';
import { largestOrganSlice, sliceVerdict } from '../runtime/surveyOrgan';
import { buttonStyle as button, MESSAGE_BACKGROUND } from './fieldStyles';

/**
 * One line before any run: is the selected organ on the slice shown, by the model and by the
 * localiser? With a "Go to" button to the slice where it is largest, and, when a run was held
 * back (they doubt the organ there, or the run is long), the question and "Explain anyway".
 */
export function OrganOnSlice({
  controller,
  state,
}: {
  controller: XaiClipController;
  state: PanelState;
}): React.JSX.Element | null {
  const { survey, currentSlice, confirm } = state;
  const organ = state.settings.organ.replace('_', ' ');
  if (!survey || survey.organ !== state.settings.organ) return null;
  const result = survey.result;
  const verdict = result && currentSlice !== undefined ? sliceVerdict(result, currentSlice) : undefined;
  const line = survey.error
    ? `Could not look for ${organ}: ${survey.error}`
    : !result
      ? `Looking for ${organ} on every slice…`
      : verdict
        ? describe(verdict, organ)
        : '';
  // "Go to" where the slice shown lacks the organ or the two disagree; not on a slice that has it.
  const target =
    verdict && !(verdict.modelFinds && verdict.clipFinds !== false) ? largestOrganSlice(result!) : undefined;
  return (
    <div data-cy="xai-organ-on-slice" style={{ marginTop: 10, fontSize: 12 }}>
      <div>{line}</div>
      {target !== undefined && (
        <button
          data-cy="xai-go-to-organ"
          style={{ ...button(false), marginTop: 6, width: '100%' }}
          onClick={() => void controller.goToOrgan()}
        >
          Go to the {organ} (image {survey.stackPositions[target] + 1})
        </button>
      )}
      {confirm && (
        <div
          data-cy="xai-confirm"
          style={{ marginTop: 8, padding: 6, borderRadius: 4, background: MESSAGE_BACKGROUND.warning }}
        >
          <div>{confirm.message}</div>
          <button
            data-cy="xai-explain-anyway"
            style={{ ...button(true), marginTop: 6, width: '100%' }}
            onClick={() => void controller.explain({ confirmed: true })}
          >
            Explain anyway
          </button>
        </div>
      )}
    </div>
  );
}

function describe(
  verdict: { modelFinds: boolean; clipFinds?: boolean; modelVoxels: number },
  organ: string,
): string {
  const model = verdict.modelFinds
    ? `the model predicts ${organ} here (${verdict.modelVoxels} pixels)`
    : `the model predicts no ${organ} here`;
  if (verdict.clipFinds === undefined) return capitalise(`${model}.`);
  if (verdict.modelFinds === verdict.clipFinds) return capitalise(`${model}, and the localiser agrees.`);
  return capitalise(
    verdict.modelFinds
      ? `${model}, but the localiser finds none: likely a false positive.`
      : `${model}, but the localiser finds it.`,
  );
}

const capitalise = (text: string) => text[0].toUpperCase() + text.slice(1);
