import React from 'react';
import { formatDuration } from '../engine/evaluate/formatDuration';
import type { Progress } from '../engine/evaluate/ProgressTracker';
import { buttonStyle } from './fieldStyles';

/** Explain and Cancel, and while a run goes on its stage, a progress bar, the passes done and the ETA. */
export function RunControls({
  running,
  stage,
  progress,
  onExplain,
  onCancel,
}: {
  running: boolean;
  stage?: string;
  progress?: Progress;
  onExplain: () => void;
  onCancel: () => void;
}): React.JSX.Element {
  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  return (
    <>
      <div style={{ display: 'flex', gap: 6, marginTop: 12 }}>
        <button data-cy="xai-explain" style={buttonStyle(true)} disabled={running} onClick={onExplain}>
          Explain
        </button>
        <button data-cy="xai-cancel" style={buttonStyle(false)} disabled={!running} onClick={onCancel}>
          Cancel
        </button>
      </div>
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
            </div>
          )}
        </div>
      )}
    </>
  );
}
