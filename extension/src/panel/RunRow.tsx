import React, { useState } from 'react';
import type { RunSummary } from '../ohif/RunRegistry';
import { describeViewerSlices } from '../ohif/viewerSlices';
import { fieldStyle, smallButtonStyle } from './fieldStyles';

/** ROI sources in a row's few words. */
const ROI_SHORT: Record<string, string> = { clip: 'CLIP ROI', mask: 'mask ROI' };

/** What a run did, on one line: method · organ · slices (as the viewer numbers them) · ROI · passes · time. */
function describeRun(run: RunSummary): string {
  const roi =
    run.roi.source in ROI_SHORT
      ? `${ROI_SHORT[run.roi.source]} ${(100 * run.roi.fraction).toFixed(1)} %`
      : 'no ROI';
  return [
    run.method,
    run.organ.replace(/_/g, ' '),
    `${describeViewerSlices(run.slices.explained)}/${run.slices.count}`,
    roi,
    `${run.passes} passes`,
    `${(run.explainMs / 1000).toFixed(1)} s`,
  ].join(' · ');
}

/**
 * One run of the list: its label (an input while renamed), what it did, and Show/Hide, Rename,
 * Remove. The current run (its legend and card are shown) is marked.
 */
export function RunRow({
  run,
  current,
  disabled,
  onShow,
  onRemove,
  onRename,
}: {
  run: RunSummary;
  current: boolean;
  /** A run is going on: the list waits for it. */
  disabled: boolean;
  onShow: (visible: boolean) => void;
  onRemove: () => void;
  onRename: (label: string) => void;
}): React.JSX.Element {
  const [name, setName] = useState<string | undefined>(undefined);
  const finishRename = () => {
    if (name !== undefined && name !== run.label) onRename(name);
    setName(undefined);
  };
  return (
    <div
      data-cy="xai-run"
      data-run-id={run.id}
      data-visible={run.visible}
      title={`${run.label}\nSeries: ${run.seriesDescription || '(no description)'}`}
      style={{
        padding: '6px 8px',
        marginTop: 4,
        borderRadius: 4,
        border: '1px solid #3a4b61',
        borderLeft: `3px solid ${current ? '#5acce6' : run.visible ? '#3a4b61' : 'transparent'}`,
        opacity: run.visible ? 1 : 0.7,
      }}
    >
      {name === undefined ? (
        <div data-cy="xai-run-label" style={{ fontWeight: current ? 600 : 400, overflowWrap: 'anywhere' }}>
          {run.label}
        </div>
      ) : (
        <input
          data-cy="xai-run-name"
          aria-label="New name of the run"
          style={fieldStyle}
          value={name}
          autoFocus
          onChange={(e) => setName(e.target.value)}
          onBlur={finishRename}
          onKeyDown={(e) => {
            if (e.key === 'Enter') finishRename();
            if (e.key === 'Escape') setName(undefined);
          }}
        />
      )}
      <div data-cy="xai-run-details" style={{ fontSize: 11, color: '#9fb2c8', marginTop: 2 }}>
        {describeRun(run)}
      </div>
      <div style={{ display: 'flex', gap: 4, marginTop: 4, alignItems: 'center' }}>
        <button
          data-cy="xai-run-visible"
          style={{ ...smallButtonStyle, minWidth: 44 }}
          disabled={disabled}
          onClick={() => onShow(!run.visible)}
        >
          {run.visible ? 'Hide' : 'Show'}
        </button>
        <button
          data-cy="xai-run-rename"
          style={smallButtonStyle}
          disabled={disabled}
          onClick={() => setName(run.label)}
        >
          Rename
        </button>
        <button data-cy="xai-run-remove" style={smallButtonStyle} disabled={disabled} onClick={onRemove}>
          Remove
        </button>
        {current && (
          <span
            data-cy="xai-run-current"
            style={{ fontSize: 11, color: '#5acce6', marginLeft: 'auto' }}
            title="The legend, the result card and Save as DICOM SEG are this run's"
          >
            legend
          </span>
        )}
      </div>
    </div>
  );
}
