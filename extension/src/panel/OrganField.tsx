import React from 'react';
import { fieldStyle, labelStyle } from './fieldStyles';

/** The organ: one of the series' model's classes, or a free prompt such as "hepatic parenchyma". */
export function OrganField({
  organ,
  classes,
  onChange,
}: {
  organ: string;
  /** The model's classes; before the model is known, the organ alone. */
  classes: string[];
  onChange: (organ: string) => void;
}): React.JSX.Element {
  const organs = classes.length ? classes.filter((c) => c !== 'background') : [organ];
  const listed = organs.includes(organ);
  return (
    <>
      <label style={labelStyle}>Organ</label>
      <select
        data-cy="xai-organ"
        style={fieldStyle}
        value={listed ? organ : ''}
        onChange={(e) => onChange(e.target.value)}
      >
        {!listed && <option value="">(prompt: {organ})</option>}
        {organs.map((name) => (
          <option key={name} value={name}>
            {name.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <input
        data-cy="xai-prompt"
        style={{ ...fieldStyle, marginTop: 4 }}
        placeholder="…or type a prompt, e.g. hepatic parenchyma"
        onBlur={(e) => e.target.value && onChange(e.target.value)}
      />
    </>
  );
}
