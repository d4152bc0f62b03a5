import React, { useState } from 'react';
import type { RunSummary } from '../ohif/RunRegistry';
import { fieldStyle, labelStyle, smallButtonStyle } from './fieldStyles';

/**
 * Compare two runs by toggling: choose A and B, "Compare" shows A alone, "Show B" / "Show A"
 * swaps which one the viewport shows (the legend follows).
 */
export function CompareRuns({
  runs,
  compared,
  disabled,
  onCompare,
  onSwap,
}: {
  /** Two runs or more. */
  runs: RunSummary[];
  compared?: [string, string];
  disabled: boolean;
  onCompare: (a: string, b: string) => void;
  onSwap: () => void;
}): React.JSX.Element {
  const newest = runs.length - 1;
  const [a, setA] = useState(compared?.[0] ?? runs[newest - 1].id);
  const [b, setB] = useState(compared?.[1] ?? runs[newest].id);
  // A chosen run that was removed gives way to one still listed.
  const choose = (id: string, fallback: number) =>
    runs.some((run) => run.id === id) ? id : runs[fallback].id;
  const [shownA, shownB] = [choose(a, newest - 1), choose(b, newest)];
  const comparing = compared?.[0] === shownA && compared[1] === shownB;
  const aVisible = runs.find((run) => run.id === shownA)?.visible;
  const select = (dataCy: string, value: string, onChange: (id: string) => void) => (
    <select
      data-cy={dataCy}
      style={{ ...fieldStyle, fontSize: 12 }}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value)}
    >
      {runs.map((run) => (
        <option key={run.id} value={run.id}>
          {run.label}
        </option>
      ))}
    </select>
  );
  return (
    <div data-cy="xai-compare-runs" style={{ marginTop: 6 }}>
      <label style={labelStyle}>Compare (the viewport shows one at a time)</label>
      <div style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: 4, alignItems: 'center' }}>
        <span style={{ fontSize: 12 }}>A</span>
        {select('xai-compare-a', shownA, setA)}
        <span style={{ fontSize: 12 }}>B</span>
        {select('xai-compare-b', shownB, setB)}
      </div>
      <div style={{ display: 'flex', gap: 4, marginTop: 4 }}>
        <button
          data-cy="xai-compare"
          style={smallButtonStyle}
          disabled={disabled || shownA === shownB}
          title={shownA === shownB ? 'Choose two different runs.' : undefined}
          onClick={() => onCompare(shownA, shownB)}
        >
          Compare
        </button>
        <button
          data-cy="xai-compare-swap"
          style={smallButtonStyle}
          disabled={disabled || !comparing}
          title={comparing ? undefined : 'Click Compare first.'}
          onClick={onSwap}
        >
          {comparing && aVisible ? 'Show B' : 'Show A'}
        </button>
      </div>
    </div>
  );
}
