import React from 'react';
import { fieldStyle, labelStyle } from './fieldStyles';

/** A labelled drop-down: `choices` are [value, what the user reads] pairs. */
export function ChoiceField<T extends string>({
  label,
  dataCy,
  value,
  choices,
  onChange,
}: {
  label: string;
  dataCy: string;
  value: T;
  choices: readonly (readonly [T, string])[];
  onChange: (value: T) => void;
}): React.JSX.Element {
  return (
    <>
      <label style={labelStyle}>{label}</label>
      <select
        data-cy={dataCy}
        style={fieldStyle}
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
      >
        {choices.map(([choice, name]) => (
          <option key={choice} value={choice}>
            {name}
          </option>
        ))}
      </select>
    </>
  );
}
