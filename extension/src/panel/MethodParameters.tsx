import React from 'react';
import type { PanelSettings } from '../ohif/panelState';
import { defaultSamples } from '../runtime/resolveRequest';
import { CheckField } from './CheckField';
import { NumberField } from './NumberField';

/** The chosen method's parameters: occlusion's window, stride and coarse-to-fine; RISE's masks or LIME's samples. */
export function MethodParameters({
  settings,
  onChange,
}: {
  settings: PanelSettings;
  onChange: (patch: Partial<PanelSettings>) => void;
}): React.JSX.Element {
  if (settings.method !== 'occlusion') {
    return (
      <NumberField
        label={settings.method === 'rise' ? 'Masks' : 'Samples'}
        dataCy="xai-samples"
        min={10}
        value={settings.samples ?? defaultSamples(settings.method)!}
        onChange={(samples) => onChange({ samples })}
      />
    );
  }
  return (
    <>
      <div style={{ display: 'flex', gap: 6 }}>
        <div style={{ flex: 1 }}>
          <NumberField
            label="Window (mm)"
            dataCy="xai-window"
            min={1}
            value={settings.windowMm}
            onChange={(windowMm) => onChange({ windowMm })}
          />
        </div>
        <div style={{ flex: 1 }}>
          <NumberField
            label="Stride (mm)"
            dataCy="xai-stride"
            min={1}
            value={settings.strideMm}
            onChange={(strideMm) => onChange({ strideMm })}
          />
        </div>
      </div>
      <CheckField
        label="Coarse-to-fine (2× windows first, refine where salient)"
        dataCy="xai-coarse-to-fine"
        checked={settings.coarseToFine}
        onChange={(coarseToFine) => onChange({ coarseToFine })}
      />
    </>
  );
}
