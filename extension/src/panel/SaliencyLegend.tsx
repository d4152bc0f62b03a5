import React from 'react';
import type { SaliencyOverlay } from '../ohif/writeSaliencyLabelmap';
import { labelStyle } from './fieldStyles';

/**
 * The current run's saliency levels with their colours, under the run's name, and the opacity
 * slider (every run's).
 */
export function SaliencyLegend({
  overlay,
  runLabel,
  opacity,
  onOpacity,
}: {
  overlay: SaliencyOverlay;
  runLabel: string;
  opacity: number;
  onOpacity: (opacity: number) => void;
}): React.JSX.Element {
  return (
    <div data-cy="xai-legend" style={{ marginTop: 10 }}>
      <div style={{ fontSize: 12, marginBottom: 4 }}>
        Saliency (fraction of the maximum) of{' '}
        <span data-cy="xai-legend-run" style={{ overflowWrap: 'anywhere' }}>
          {runLabel}
        </span>
      </div>
      {overlay.legend.map((level) => (
        <div key={level.label} style={{ display: 'flex', alignItems: 'center', gap: 6, fontSize: 11 }}>
          <span
            style={{
              width: 14,
              height: 10,
              background: `rgb(${level.color.slice(0, 3).join(',')})`,
              display: 'inline-block',
            }}
          />
          ≥ {level.lowerEdge.toFixed(2)}
        </div>
      ))}
      <label style={labelStyle}>Opacity {Math.round(opacity * 100)} %</label>
      <input
        data-cy="xai-opacity"
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={opacity}
        style={{ width: '100%' }}
        onChange={(e) => onOpacity(Number(e.target.value))}
      />
    </div>
  );
}
