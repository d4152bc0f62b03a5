import React from 'react';
import { labelStyle } from './fieldStyles';

/** A labelled slider over a fraction (0–1), its value shown as a whole percentage in the label. */
export function FractionSlider({
  label,
  dataCy,
  value,
  min,
  max,
  onChange,
}: {
  /** Text around the percentage, e.g. (p) => `Opacity ${p} %`. */
  label: (percent: number) => string;
  dataCy: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
}): React.JSX.Element {
  return (
    <>
      <label style={labelStyle}>{label(Math.round(value * 100))}</label>
      <input
        data-cy={dataCy}
        type="range"
        min={min}
        max={max}
        step={0.05}
        value={value}
        style={{ width: '100%' }}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </>
  );
}
