import React from 'react';
import { fieldStyle, labelStyle } from './fieldStyles';

/** A labelled number input that reports numbers, not strings. */
export function NumberField({
  label,
  dataCy,
  value,
  min,
  max,
  step,
  title,
  onChange,
}: {
  label: string;
  dataCy: string;
  value: number;
  min: number;
  max?: number;
  step?: number | 'any';
  title?: string;
  onChange: (value: number) => void;
}): React.JSX.Element {
  return (
    <>
      <label style={labelStyle} title={title}>
        {label}
      </label>
      <input
        data-cy={dataCy}
        type="number"
        min={min}
        max={max}
        step={step}
        title={title}
        style={fieldStyle}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </>
  );
}
