import React from 'react';
import { MESSAGE_BACKGROUND } from './fieldStyles';

/** The panel's last word (a failure, a cancel, a save's outcome), coloured by its tone. */
export function MessageBox({
  message,
  tone,
}: {
  message: string;
  tone: keyof typeof MESSAGE_BACKGROUND;
}): React.JSX.Element {
  return (
    <div
      data-cy="xai-message"
      style={{
        marginTop: 10,
        padding: 6,
        borderRadius: 4,
        background: MESSAGE_BACKGROUND[tone],
        fontSize: 12,
      }}
    >
      {message}
    </div>
  );
}
