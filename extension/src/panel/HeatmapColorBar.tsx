import React from 'react';
import { infernoColor } from '../engine/saliency/infernoColor';

/** The saliency's units by method: what one unit of the map means. */
const UNITS: Record<string, (organ: string) => string> = {
  occlusion: (organ) => `drop in the ${organ} score`,
  rise: (organ) => `RISE weight of the ${organ} score`,
  lime: (organ) => `LIME coefficient of the ${organ} score`,
};

/** CSS gradient stops along inferno, as the heatmap colours 0…1 of the maximum. */
const INFERNO_GRADIENT = `linear-gradient(to right, ${Array.from({ length: 11 }, (_, n) => {
  const [r, g, b] = infernoColor(n / 10);
  return `rgb(${r},${g},${b}) ${n * 10}%`;
}).join(', ')})`;

/** A saliency value to three significant digits, grouped: "3,580", "0.0123". */
const formatSaliency = (value: number) => Number(value.toPrecision(3)).toLocaleString('en-US');

/**
 * The heatmap's colour bar: inferno from 0 to the run's maximum saliency, in the saliency's units,
 * with the part below the threshold (transparent on the image) shaded.
 */
export function HeatmapColorBar({
  max,
  threshold,
  method,
  organ,
}: {
  max: number;
  threshold: number;
  method: string;
  organ: string;
}): React.JSX.Element {
  const ticks = [0, 0.5, 1].map((fraction) => formatSaliency(fraction * max));
  return (
    <div data-cy="xai-colorbar" style={{ fontSize: 11, marginTop: 4 }}>
      <div style={{ position: 'relative', height: 12, background: INFERNO_GRADIENT, borderRadius: 2 }}>
        <div
          title="Transparent on the image: below the threshold"
          style={{
            position: 'absolute',
            inset: 0,
            width: `${threshold * 100}%`,
            background: 'repeating-linear-gradient(45deg, #0008 0 3px, #fff3 3px 6px)',
            borderRight: '2px solid #e8eef5',
          }}
        />
      </div>
      <div data-cy="xai-colorbar-ticks" style={{ display: 'flex', justifyContent: 'space-between' }}>
        {ticks.map((tick, n) => (
          <span key={n}>{tick}</span>
        ))}
      </div>
      <div data-cy="xai-colorbar-units" style={{ color: '#9fb2c8' }}>
        {(UNITS[method] ?? (() => 'saliency'))(organ)}; below {formatSaliency(threshold * max)} not shown
      </div>
    </div>
  );
}
