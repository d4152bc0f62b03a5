import React, { useState } from 'react';

/** One line, and the whole text behind a "details" toggle when there is more to say. */
export function Details({
  summary,
  details,
  dataCy,
}: {
  summary: string;
  details?: string;
  dataCy: string;
}): React.JSX.Element {
  const [open, setOpen] = useState(false);
  return (
    <>
      <span data-cy={dataCy}>{summary}</span>
      {details && (
        <>
          {' '}
          <button
            data-cy={`${dataCy}-details-toggle`}
            onClick={() => setOpen(!open)}
            style={{
              background: 'none',
              border: 'none',
              padding: 0,
              color: '#5acce6',
              cursor: 'pointer',
              fontSize: 'inherit',
              textDecoration: 'underline',
            }}
          >
            {open ? 'hide details' : 'details'}
          </button>
          {open && (
            <div data-cy={`${dataCy}-details`} style={{ marginTop: 4, opacity: 0.85 }}>
              {details}
            </div>
          )}
        </>
      )}
    </>
  );
}
