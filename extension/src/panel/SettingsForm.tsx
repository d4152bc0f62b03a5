import React from 'react';
import type { PanelSettings } from '../ohif/panelState';
import { CheckField } from './CheckField';
import { ChoiceField } from './ChoiceField';
import { METHOD_CHOICES, ROI_SHAPES, ROI_SOURCES, SCOPES, SLICE_STRIDES } from './choices';
import { DeclaredParameters } from './DeclaredParameters';
import { MethodParameters } from './MethodParameters';
import { OrganField } from './OrganField';

/** What to explain and how: organ, target, method, ROI, scope, the method's parameters, and the context overlays. */
export function SettingsForm({
  settings,
  classes,
  target,
  onChange,
}: {
  settings: PanelSettings;
  classes: string[];
  /** What the run explains (the organ, a piece, a segment): the field that picks it. */
  target: React.ReactNode;
  onChange: (patch: Partial<PanelSettings>) => void;
}): React.JSX.Element {
  return (
    <>
      <OrganField organ={settings.organ} classes={classes} onChange={(organ) => onChange({ organ })} />
      {target}
      <ChoiceField
        label="Method"
        dataCy="xai-method"
        value={settings.method}
        choices={METHOD_CHOICES}
        onChange={(method) => onChange({ method })}
      />
      <ChoiceField
        label="Region of interest"
        dataCy="xai-roi"
        value={settings.roi}
        choices={ROI_SOURCES}
        onChange={(roi) => onChange({ roi })}
      />
      {settings.roi !== 'none' && (
        <ChoiceField
          label="ROI shape"
          dataCy="xai-roi-shape"
          value={settings.roiShape}
          choices={ROI_SHAPES}
          onChange={(roiShape) => onChange({ roiShape })}
        />
      )}
      <ChoiceField
        label="Scope"
        dataCy="xai-scope"
        value={settings.scope}
        choices={SCOPES}
        onChange={(scope) => onChange({ scope })}
      />
      {settings.scope !== 'slice' && (
        <ChoiceField
          label="Slices perturbed (the others interpolated)"
          dataCy="xai-slice-stride"
          value={String(settings.sliceStride) as (typeof SLICE_STRIDES)[number][0]}
          choices={SLICE_STRIDES}
          onChange={(stride) => onChange({ sliceStride: stride === 'auto' ? 'auto' : Number(stride) })}
        />
      )}
      <MethodParameters settings={settings} onChange={onChange} />
      <DeclaredParameters settings={settings} onChange={onChange} />
      <CheckField
        label="Show the ROI outline"
        dataCy="xai-show-roi"
        checked={settings.showRoi}
        onChange={(showRoi) => onChange({ showRoi })}
      />
      <CheckField
        label="Show the model's predicted organ"
        dataCy="xai-show-organ"
        checked={settings.showOrganMask}
        onChange={(showOrganMask) => onChange({ showOrganMask })}
      />
    </>
  );
}
