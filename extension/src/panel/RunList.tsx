import React from 'react';
import type { RunSummary } from '../ohif/RunRegistry';
import { CompareRuns } from './CompareRuns';
import { RunRow } from './RunRow';

/**
 * The session's runs, oldest first, one row each (show/hide, rename, remove), and, with two runs
 * or more, compare. Nothing while there is no run.
 */
export function RunList({
  runs,
  currentRunId,
  compared,
  running,
  onShow,
  onRemove,
  onRename,
  onCompare,
  onSwap,
}: {
  runs: RunSummary[];
  currentRunId?: string;
  compared?: [string, string];
  /** A run is going on: the list waits for it. */
  running: boolean;
  onShow: (id: string, visible: boolean) => void;
  onRemove: (id: string) => void;
  onRename: (id: string, label: string) => void;
  onCompare: (a: string, b: string) => void;
  onSwap: () => void;
}): React.JSX.Element | null {
  if (runs.length === 0) return null;
  return (
    <div data-cy="xai-runs" style={{ marginTop: 12, paddingTop: 8, borderTop: '1px solid #3a4b61' }}>
      <div style={{ fontSize: 12, fontWeight: 600 }}>Runs</div>
      {runs.map((run) => (
        <RunRow
          key={run.id}
          run={run}
          current={run.id === currentRunId}
          disabled={running}
          onShow={(visible) => onShow(run.id, visible)}
          onRemove={() => onRemove(run.id)}
          onRename={(label) => onRename(run.id, label)}
        />
      ))}
      {runs.length >= 2 && (
        <CompareRuns
          runs={runs}
          compared={compared}
          disabled={running}
          onCompare={onCompare}
          onSwap={onSwap}
        />
      )}
    </div>
  );
}
