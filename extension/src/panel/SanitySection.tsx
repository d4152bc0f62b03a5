import React from 'react';
import type { SanityReport } from '../engine/sanity/SanityReport';
import { sanityRows } from '../report/sanityRows';
import { buttonStyle, MESSAGE_BACKGROUND } from './fieldStyles';

const CHECK_HINT =
  'Model-parameter randomisation (Adebayo et al. 2018): the run again on copies of the model whose layers ' +
  'are re-randomised from the top down; the map must change (rank correlation below the threshold). ' +
  'Input independence: the run on a model whose output ignores its input; the map must be 0. ' +
  'Repeat stability (RISE, LIME): the run with other seeds; the maps must agree. ' +
  'Costs several explanations: the run itself as the reference, one per randomisation step and per repeat.';

/** How a verdict looks: the panel's message colours. */
const STATUS_BACKGROUND: Record<string, string> = {
  pass: MESSAGE_BACKGROUND.success,
  warn: MESSAGE_BACKGROUND.warning,
  fail: MESSAGE_BACKGROUND.error,
};

/**
 * The current run's sanity checks: the button that runs them, then one row per check with its
 * verdict (pass / warn / fail / not applicable), its figures and its sentence.
 */
export function SanitySection({
  sanity,
  busy,
  onCheck,
}: {
  sanity?: SanityReport;
  busy: boolean;
  onCheck: () => void;
}): React.JSX.Element {
  return (
    <div data-cy="xai-sanity" style={{ marginTop: 10, fontSize: 12 }}>
      <button
        data-cy="xai-sanity-check"
        style={buttonStyle(false)}
        disabled={busy}
        title={CHECK_HINT}
        onClick={onCheck}
      >
        Sanity checks (several explanations)
      </button>
      {sanity && (
        <div data-cy="xai-sanity-figures" title={CHECK_HINT} style={{ marginTop: 6 }}>
          {sanityRows(sanity).map((row) => (
            <div key={row.name} data-cy="xai-sanity-row" style={{ marginTop: 4 }}>
              <span
                data-cy="xai-sanity-status"
                style={{
                  padding: '0 4px',
                  borderRadius: 3,
                  background: STATUS_BACKGROUND[row.status] ?? 'transparent',
                }}
              >
                {row.status}
              </span>{' '}
              <b>{row.name}</b>: {String(row.figures)}
              <div style={{ color: '#9fb2c8' }}>{row.summary}</div>
            </div>
          ))}
          <div style={{ color: '#9fb2c8', marginTop: 4 }}>
            {sanity.passes} passes · {(sanity.wallMs / 1000).toFixed(1)} s · over {sanity.voxels}
          </div>
        </div>
      )}
    </div>
  );
}
