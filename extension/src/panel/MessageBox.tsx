import React from 'react';
import { Details } from './Details';
import { MESSAGE_BACKGROUND } from './fieldStyles';

/** The panel's last word (a failure, a cancel, a save's outcome), coloured by its tone; the long account behind "details". */
export function MessageBox({
  message,
  details,
  tone,
}: {
  message: string;
  details?: string;
  tone: keyof typeof MESSAGE_BACKGROUND;
}): React.JSX.Element {
  return (
    <div
      style={{
        marginTop: 10,
        padding: 6,
        borderRadius: 4,
        background: MESSAGE_BACKGROUND[tone],
        fontSize: 12,
      }}
    >
      <Details summary={message} details={details} dataCy="xai-message" />
    </div>
  );
}
