import React from 'react';
import { labelStyle } from './fieldStyles';

/** A checkbox with its label on the right. */
export function CheckField({
  label,
  dataCy,
  checked,
  onChange,
}: {
  label: string;
  dataCy: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}): React.JSX.Element {
  return (
    <label style={{ ...labelStyle, display: 'flex', alignItems: 'center', gap: 6, marginTop: 4 }}>
      <input
        data-cy={dataCy}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
      />
      {label}
    </label>
  );
}
