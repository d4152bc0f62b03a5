import React, { useEffect, useState } from 'react';
import { PanelSettings, PanelState, XaiClipController } from '../ohif/XaiClipController';
import { CheckField } from './CheckField';
import { ChoiceField } from './ChoiceField';
import {
  buttonStyle as button,
  fieldStyle as field,
  labelStyle as label,
  MESSAGE_BACKGROUND,
} from './fieldStyles';
import { METHODS } from '../engine/methods';
import { defaultSamples } from '../runtime/resolveRequest';
import { OrganOnSlice } from './OrganOnSlice';
import { NumberField } from './NumberField';

/** The methods of the engine's registry, by id and label. */
const METHOD_CHOICES = Object.values(METHODS).map((method) => [method.id, method.label] as const);
/** ROI modes as the panel names them (the select and the result card). */
const ROI_SOURCES = [
  ['clip', 'CLIP (organ prompt)'],
  ['mask', 'Predicted organ mask'],
  ['none', 'None (whole image)'],
] as const;
const ROI_SHAPES = [
  ['mask', 'Organ region'],
  ['box', 'Bounding box (paper)'],
] as const;
const SCOPES = [
  ['slice', 'Current slice'],
  ['slab', 'Organ slab'],
  ['volume', 'Whole volume'],
] as const;
const SEG_CONTENTS = [
  ['saliency', 'Saliency levels'],
  ['organ', 'Predicted organ mask'],
] as const;
const SEG_TYPES = [
  ['binary', 'Binary SEG'],
  ['labelmap', 'Label-map SEG'],
] as const;
/** A fall of the organ score this large without the outside of the ROI is worth a word on the card. */
const OUTSIDE_ROI_NOTABLE = 0.1;
const outsideRoiHint = (ranked: boolean) =>
  'One extra forward pass with everything outside the ROI replaced by the fill. ' +
  (ranked
    ? 'The ROI-guided occlusion map ranks the outside only in coarse tiles'
    : 'The ROI-guided map is 0 there by construction') +
  '; a large drop means the model also uses context outside the ROI (a full-image explanation shows where).';
const roiName = (source: string) => ROI_SOURCES.find(([value]) => value === source)?.[1] ?? source;

/**
 * The "XAI-CLIP" panel: settings, Explain / Cancel, progress, backend, result card, legend, and
 * Save as DICOM SEG (enabled once a result exists; says where the SEG will go).
 */
export function XaiPanel({ controller }: { controller: XaiClipController }): React.JSX.Element {
  const [state, setState] = useState<PanelState>(controller.state);
  useEffect(() => controller.subscribe(setState), [controller]);
  const { settings, status, progress, report, overlay } = state;
  const set = (patch: Partial<PanelSettings>) => controller.updateSettings(patch);
  const running = status === 'running';
  const organs = state.classes.length ? state.classes.filter((c) => c !== 'background') : [settings.organ];
  const percent = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  const tone = status === 'error' ? 'error' : (state.messageTone ?? 'info');
  const storeTarget = controller.segStoreTarget();

  return (
    <div
      data-cy="xai-clip-panel"
      style={{ padding: 10, color: '#e8eef5', fontSize: 13, overflowY: 'auto', height: '100%' }}
    >
      <div style={{ fontWeight: 700, fontSize: 15, marginBottom: 4 }}>XAI-CLIP</div>
      <div style={{ color: '#9fb2c8', fontSize: 12 }}>Where does the segmentation model look?</div>

      <label style={label}>Organ</label>
      <select
        data-cy="xai-organ"
        style={field}
        value={organs.includes(settings.organ) ? settings.organ : ''}
        onChange={(e) => set({ organ: e.target.value })}
      >
        {!organs.includes(settings.organ) && <option value="">(prompt: {settings.organ})</option>}
        {organs.map((organ) => (
          <option key={organ} value={organ}>
            {organ.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <input
        data-cy="xai-prompt"
        style={{ ...field, marginTop: 4 }}
        placeholder="…or type a prompt, e.g. hepatic parenchyma"
        onBlur={(e) => e.target.value && set({ organ: e.target.value })}
      />

      <ChoiceField
        label="Method"
        dataCy="xai-method"
        value={settings.method}
        choices={METHOD_CHOICES}
        onChange={(method) => set({ method })}
      />
      <ChoiceField
        label="Region of interest"
        dataCy="xai-roi"
        value={settings.roi}
        choices={ROI_SOURCES}
        onChange={(roi) => set({ roi })}
      />
      {settings.roi !== 'none' && (
        <ChoiceField
          label="ROI shape"
          dataCy="xai-roi-shape"
          value={settings.roiShape}
          choices={ROI_SHAPES}
          onChange={(roiShape) => set({ roiShape })}
        />
      )}
      <ChoiceField
        label="Scope"
        dataCy="xai-scope"
        value={settings.scope}
        choices={SCOPES}
        onChange={(scope) => set({ scope })}
      />

      {settings.method === 'occlusion' ? (
        <>
          <div style={{ display: 'flex', gap: 6 }}>
            <div style={{ flex: 1 }}>
              <NumberField
                label="Window (mm)"
                dataCy="xai-window"
                min={1}
                value={settings.windowMm}
                onChange={(windowMm) => set({ windowMm })}
              />
            </div>
            <div style={{ flex: 1 }}>
              <NumberField
                label="Stride (mm)"
                dataCy="xai-stride"
                min={1}
                value={settings.strideMm}
                onChange={(strideMm) => set({ strideMm })}
              />
            </div>
          </div>
          <CheckField
            label="Coarse-to-fine (2× windows first, refine where salient)"
            dataCy="xai-coarse-to-fine"
            checked={settings.coarseToFine}
            onChange={(coarseToFine) => set({ coarseToFine })}
          />
        </>
      ) : (
        <NumberField
          label={settings.method === 'rise' ? 'Masks' : 'Samples'}
          dataCy="xai-samples"
          min={10}
          value={settings.samples ?? defaultSamples(settings.method)!}
          onChange={(samples) => set({ samples })}
        />
      )}

      <CheckField
        label="Show the ROI outline"
        dataCy="xai-show-roi"
        checked={settings.showRoi}
        onChange={(showRoi) => set({ showRoi })}
      />
      <CheckField
        label="Show the model's predicted organ"
        dataCy="xai-show-organ"
        checked={settings.showOrganMask}
        onChange={(showOrganMask) => set({ showOrganMask })}
      />

      <OrganOnSlice controller={controller} state={state} />

      <div style={{ display: 'flex', gap: 6, marginTop: 12 }}>
        <button
          data-cy="xai-explain"
          style={button(true)}
          disabled={running}
          onClick={() => void controller.explain()}
        >
          Explain
        </button>
        <button
          data-cy="xai-cancel"
          style={button(false)}
          disabled={!running}
          onClick={() => controller.cancel()}
        >
          Cancel
        </button>
      </div>

      {running && (
        <div data-cy="xai-progress" style={{ marginTop: 10 }}>
          <div style={{ fontSize: 12 }}>{state.stage}</div>
          <div style={{ height: 6, background: '#20324a', borderRadius: 3, marginTop: 4 }}>
            <div style={{ width: `${percent}%`, height: '100%', background: '#5acce6', borderRadius: 3 }} />
          </div>
          {progress && (
            <div style={{ fontSize: 11, color: '#9fb2c8', marginTop: 2 }}>
              {progress.done}/{progress.total} passes
              {progress.etaMs !== null ? ` · ETA ${Math.ceil(progress.etaMs / 1000)} s` : ''}
            </div>
          )}
        </div>
      )}

      {state.message && (
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
          {state.message}
        </div>
      )}

      {state.backend && (
        <div data-cy="xai-backend" style={{ marginTop: 10, fontSize: 12 }}>
          Backend:{' '}
          <b>{state.backend === 'webgpu' ? 'WebGPU' : state.backend === 'wasm' ? 'WASM' : state.backend}</b>
          {state.fallbackReason && (
            <div style={{ color: '#9fb2c8', fontSize: 11 }}>Fallback: {state.fallbackReason}</div>
          )}
        </div>
      )}

      {report && (
        <div
          data-cy="xai-result"
          style={{ marginTop: 10, padding: 8, border: '1px solid #3a4b61', borderRadius: 4, fontSize: 12 }}
        >
          <div style={{ fontWeight: 600 }}>
            {report.method} · {report.organ.replace(/_/g, ' ')}
          </div>
          <div>
            {report.passes} forward passes · {(report.explainMs / 1000).toFixed(1)} s
          </div>
          <div>
            ROI ({roiName(report.roi.source)}): {(100 * report.roi.fraction).toFixed(1)} % of the explained{' '}
            {report.slices.includes(null) ? 'volume' : report.slices.length > 1 ? 'slices' : 'slice'}
            {report.roi.fallbackReason ? ` (${report.roi.fallbackReason})` : ''}
          </div>
          {report.outsideRoiDrop !== undefined && (
            <div data-cy="xai-outside-roi" title={outsideRoiHint(report.outsideRanked)}>
              Outside the ROI: replacing it {report.outsideRoiDrop >= 0 ? 'lowers' : 'raises'} the{' '}
              {report.organ.replace(/_/g, ' ')} score by {(100 * Math.abs(report.outsideRoiDrop)).toFixed(1)}{' '}
              %
              {report.outsideRoiDrop >= OUTSIDE_ROI_NOTABLE
                ? report.outsideRanked
                  ? ' (the model also uses context there, which this map shows only in coarse tiles)'
                  : ' (the model also uses context this map cannot show)'
                : ''}
            </div>
          )}
          <div>Slices: {report.slices.map((k) => (k === null ? 'volume' : k)).join(', ')}</div>
          {report.notes.map((note) => (
            <div key={note} style={{ color: '#9fb2c8' }}>
              {note}
            </div>
          ))}
        </div>
      )}

      {overlay && (
        <div data-cy="xai-legend" style={{ marginTop: 10 }}>
          <div style={{ fontSize: 12, marginBottom: 4 }}>Saliency (fraction of the maximum)</div>
          {overlay.legend.map((level) => (
            <div key={level.label} style={{ display: 'flex', alignItems: 'center', gap: 6, fontSize: 11 }}>
              <span
                style={{
                  width: 14,
                  height: 10,
                  background: `rgb(${level.color.slice(0, 3).join(',')})`,
                  display: 'inline-block',
                }}
              />
              ≥ {level.lowerEdge.toFixed(2)}
            </div>
          ))}
          <label style={label}>Opacity {Math.round(settings.opacity * 100)} %</label>
          <input
            data-cy="xai-opacity"
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={settings.opacity}
            style={{ width: '100%' }}
            onChange={(e) => set({ opacity: Number(e.target.value) })}
          />
        </div>
      )}

      <div data-cy="xai-seg" style={{ marginTop: 12, paddingTop: 8, borderTop: '1px solid #3a4b61' }}>
        <div style={{ display: 'flex', gap: 6 }}>
          <div style={{ flex: 1 }}>
            <ChoiceField
              label="Save"
              dataCy="xai-seg-content"
              value={settings.segContent}
              choices={SEG_CONTENTS}
              onChange={(segContent) => set({ segContent })}
            />
          </div>
          <div style={{ flex: 1 }}>
            <ChoiceField
              label="Encoding"
              dataCy="xai-seg-type"
              value={settings.segType}
              choices={SEG_TYPES}
              onChange={(segType) => set({ segType })}
            />
          </div>
        </div>
        <div style={{ display: 'flex', marginTop: 8 }}>
          <button
            data-cy="xai-save-seg"
            style={button(false)}
            disabled={!overlay || running || state.saving}
            title={overlay ? undefined : 'Explain first: there is no result to save yet.'}
            onClick={() => void controller.saveSeg()}
          >
            {state.saving ? 'Saving…' : 'Save as DICOM SEG'}
          </button>
        </div>
        <div data-cy="xai-seg-target" style={{ color: '#9fb2c8', fontSize: 11, marginTop: 4 }}>
          {'root' in storeTarget
            ? `Downloads the .dcm file and stores it in ${storeTarget.name} (DICOMweb STOW-RS).`
            : `Downloads the .dcm file. ${storeTarget.reason}`}
        </div>
      </div>
    </div>
  );
}
