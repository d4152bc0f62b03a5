import React from 'react';
import type { PanelSettings } from '../ohif/panelState';
import type { SaliencyOverlay } from '../ohif/writeSaliencyLabelmap';
import { ChoiceField } from './ChoiceField';
import { FractionSlider } from './FractionSlider';
import { HeatmapColorBar } from './HeatmapColorBar';

const DISPLAYS = [
  ['heatmap', 'Heatmap (continuous)'],
  ['levels', 'Levels (labelmap)'],
] as const;

/**
 * How the current run's saliency is shown, under the run's name: the display (continuous heatmap
 * or levels), the heatmap's colour bar and threshold or the levels with their colours, and the
 * opacity slider (every run's).
 */
export function SaliencyLegend({
  overlay,
  runLabel,
  method,
  organ,
  settings,
  onChange,
}: {
  overlay: SaliencyOverlay;
  runLabel: string;
  method: string;
  organ: string;
  settings: Pick<PanelSettings, 'display' | 'opacity' | 'heatmapThreshold'>;
  onChange: (patch: Partial<PanelSettings>) => void;
}): React.JSX.Element {
  const { display, opacity, heatmapThreshold } = settings;
  return (
    <div data-cy="xai-legend" style={{ marginTop: 10 }}>
      <div style={{ fontSize: 12, marginBottom: 4 }}>
        Saliency of{' '}
        <span data-cy="xai-legend-run" style={{ overflowWrap: 'anywhere' }}>
          {runLabel}
        </span>
      </div>
      <ChoiceField
        label="Display"
        dataCy="xai-display"
        value={display}
        choices={DISPLAYS}
        onChange={(value) => onChange({ display: value })}
      />
      {display === 'heatmap' ? (
        <>
          <HeatmapColorBar max={overlay.max} threshold={heatmapThreshold} method={method} organ={organ} />
          <FractionSlider
            label={(percent) => `Threshold ${percent} % of the maximum`}
            dataCy="xai-threshold"
            value={heatmapThreshold}
            min={0.05}
            max={0.95}
            onChange={(value) => onChange({ heatmapThreshold: value })}
          />
        </>
      ) : (
        <>
          <div style={{ fontSize: 11, color: '#9fb2c8', marginTop: 4 }}>Fraction of the maximum</div>
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
        </>
      )}
      <FractionSlider
        label={(percent) => `Opacity ${percent} %`}
        dataCy="xai-opacity"
        value={opacity}
        min={0}
        max={1}
        onChange={(value) => onChange({ opacity: value })}
      />
    </div>
  );
}
