import React from 'react';
import { formatDuration } from '../engine/evaluate/formatDuration';
import type { Progress } from '../engine/evaluate/ProgressTracker';
import { describeRunCost } from '../ohif/describeRunCost';
import type { RunCost } from '../ohif/panelState';
import { CONFIRM_RUNS_LONGER_THAN_MS } from '../ohif/runCostOf';
import { buttonStyle } from './fieldStyles';

/**
 * Explain and Cancel; before a run, what it would cost (passes and time), with a long run's time
 * on the button ("Explain (≈ 6 min)…": it asks first); while a run goes on, its stage, a progress
 * bar, the passes done and the ETA, and "Refining…" once a running map is on the viewer.
 */
export function RunControls({
  running,
  stage,
  progress,
  refining,
  cost,
  onExplain,
  onCancel,
}: {
  running: boolean;
  stage?: string;
  progress?: Progress;
  refining?: boolean;
  cost?: RunCost;
  onExplain: () => void;
  onCancel: () => void;
}): React.JSX.Element {
  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  const estimate = cost && !('error' in cost) ? cost : undefined;
  const long = estimate?.ms !== undefined && estimate.ms > CONFIRM_RUNS_LONGER_THAN_MS;
  return (
    <>
      <div style={{ display: 'flex', gap: 6, marginTop: 12 }}>
        <button data-cy="xai-explain" style={buttonStyle(true)} disabled={running} onClick={onExplain}>
          {long ? `Explain (≈ ${formatDuration(estimate.ms!)})…` : 'Explain'}
        </button>
        <button data-cy="xai-cancel" style={buttonStyle(false)} disabled={!running} onClick={onCancel}>
          Cancel
        </button>
      </div>
      {!running && cost && (
        <div data-cy="xai-cost" style={{ fontSize: 11, color: '#9fb2c8', marginTop: 4 }}>
          {estimate ? describeRunCost(estimate) : `No estimate: ${(cost as { error: string }).error}`}
        </div>
      )}
      {running && (
        <div data-cy="xai-progress" style={{ marginTop: 10 }}>
          <div style={{ fontSize: 12 }}>{stage}</div>
          <div style={{ height: 6, background: '#20324a', borderRadius: 3, marginTop: 4 }}>
            <div style={{ width: `${percent}%`, height: '100%', background: '#5acce6', borderRadius: 3 }} />
          </div>
          {progress && (
            <div style={{ fontSize: 11, color: '#9fb2c8', marginTop: 2 }}>
              {progress.done}/{progress.total} passes
              {progress.etaMs !== null ? ` · ETA ${formatDuration(progress.etaMs)}` : ''}
              {refining ? ' · Refining…' : ''}
            </div>
          )}
        </div>
      )}
    </>
  );
}
