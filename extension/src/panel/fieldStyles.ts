import type React from 'react';

/** The panel's look, close to OHIF's dark side panels. */
export const labelStyle: React.CSSProperties = {
  display: 'block',
  fontSize: 12,
  color: '#9fb2c8',
  marginTop: 8,
};
export const fieldStyle: React.CSSProperties = {
  width: '100%',
  background: '#0b1a2b',
  color: '#e8eef5',
  border: '1px solid #3a4b61',
  borderRadius: 4,
  padding: '4px 6px',
  fontSize: 13,
};
