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

export const buttonStyle = (primary: boolean): React.CSSProperties => ({
  flex: 1,
  padding: '6px 10px',
  borderRadius: 4,
  border: '1px solid #5acce6',
  background: primary ? '#5acce6' : 'transparent',
  color: primary ? '#041c2c' : '#5acce6',
  fontWeight: 600,
  cursor: 'pointer',
});

/** Message box backgrounds by tone. */
export const MESSAGE_BACKGROUND = {
  error: '#4a1c24',
  success: '#1c4a2c',
  info: '#20324a',
  warning: '#4a3a1c',
};

/** A small button inside a row (the run list's Hide, Rename, Remove). */
export const smallButtonStyle: React.CSSProperties = {
  padding: '2px 8px',
  borderRadius: 4,
  border: '1px solid #3a4b61',
  background: 'transparent',
  color: '#5acce6',
  fontSize: 11,
  cursor: 'pointer',
};

/** Every disabled button of the panel looks disabled (inline styles cannot say `:disabled`). */
export const DISABLED_BUTTONS_CSS =
  '[data-cy="xai-clip-panel"] button:disabled { opacity: 0.4; cursor: not-allowed; }';
