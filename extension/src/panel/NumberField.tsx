import React from 'react';
import { fieldStyle, labelStyle } from './fieldStyles';

/** A labelled number input that reports numbers, not strings. */
export function NumberField({
  label,
  dataCy,
  value,
  min,
  onChange,
}: {
  label: string;
  dataCy: string;
  value: number;
  min: number;
  onChange: (value: number) => void;
}): React.JSX.Element {
  return (
    <>
      <label style={labelStyle}>{label}</label>
      <input
        data-cy={dataCy}
        type="number"
        min={min}
        style={fieldStyle}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </>
  );
}
