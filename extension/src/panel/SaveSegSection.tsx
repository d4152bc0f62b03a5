import React from 'react';
import type { PanelSettings } from '../ohif/panelState';
import type { SegStoreTarget } from '../ohif/segStoreTarget';
import { ChoiceField } from './ChoiceField';
import { NumberField } from './NumberField';
import { SEG_CONTENTS, SEG_TYPES } from './choices';
import { buttonStyle } from './fieldStyles';

/**
 * Save: what to save (Parametric Map of the values, or a SEG of the levels or the organ), the
 * SEG's encoding (shown for SEGs only), the button (once a result exists), and where the file goes.
 */
export function SaveSegSection({
  settings,
  hasResult,
  running,
  saving,
  target,
  onChange,
  onSave,
}: {
  settings: PanelSettings;
  hasResult: boolean;
  /** An explanation is running. */
  running: boolean;
  saving: boolean;
  target: SegStoreTarget;
  onChange: (patch: Partial<PanelSettings>) => void;
  onSave: () => void;
}): React.JSX.Element {
  return (
    <div data-cy="xai-seg" style={{ marginTop: 12, paddingTop: 8, borderTop: '1px solid #3a4b61' }}>
      <div style={{ display: 'flex', gap: 6 }}>
        <div style={{ flex: 1 }}>
          <ChoiceField
            label="Save"
            dataCy="xai-seg-content"
            value={settings.segContent}
            choices={SEG_CONTENTS}
            onChange={(segContent) => onChange({ segContent })}
          />
        </div>
        {settings.segContent === 'topk' && (
          <div style={{ flex: 0.6 }}>
            <NumberField
              label="Top %"
              dataCy="xai-seg-top-percent"
              value={settings.segTopPercent}
              min={0.1}
              max={100}
              step="any"
              title="The k % most salient voxels of the explained slices"
              onChange={(segTopPercent) => onChange({ segTopPercent })}
            />
          </div>
        )}
        {settings.segContent !== 'pmap' && (
          <div style={{ flex: 1 }}>
            <ChoiceField
              label="Encoding"
              dataCy="xai-seg-type"
              value={settings.segType}
              choices={SEG_TYPES}
              onChange={(segType) => onChange({ segType })}
            />
          </div>
        )}
      </div>
      <div style={{ display: 'flex', marginTop: 8 }}>
        <button
          data-cy="xai-save-seg"
          style={buttonStyle(false)}
          disabled={!hasResult || running || saving}
          title={hasResult ? undefined : 'Explain first: there is no result to save yet.'}
          onClick={onSave}
        >
          {saving ? 'Saving…' : settings.segContent === 'pmap' ? 'Save Parametric Map' : 'Save as DICOM SEG'}
        </button>
      </div>
      <div data-cy="xai-seg-target" style={{ color: '#9fb2c8', fontSize: 11, marginTop: 4 }}>
        {'root' in target
          ? `Downloads the .dcm file and stores it in ${target.name} (DICOMweb STOW-RS).`
          : `Downloads the .dcm file. ${target.reason}`}
      </div>
    </div>
  );
}
