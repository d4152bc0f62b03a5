import React, { useEffect, useState } from 'react';
import type { PanelSettings, PanelState } from '../ohif/panelState';
import type { XaiClipController } from '../ohif/XaiClipController';
import { BackendLine } from './BackendLine';
import { MessageBox } from './MessageBox';
import { OrganOnSlice } from './OrganOnSlice';
import { ResultCard } from './ResultCard';
import { RunControls } from './RunControls';
import { SaliencyLegend } from './SaliencyLegend';
import { SaveSegSection } from './SaveSegSection';
import { SettingsForm } from './SettingsForm';

/**
 * The "XAI-CLIP" panel: the settings, what the survey says of the slice shown, Explain / Cancel
 * with progress, the message, backend, result card and legend, and Save as DICOM SEG. It renders
 * the controller's store and calls the controller's actions.
 */
export function XaiPanel({ controller }: { controller: XaiClipController }): React.JSX.Element {
  const { store } = controller;
  const [state, setState] = useState<PanelState>(store.state);
  useEffect(() => store.subscribe(setState), [store]);
  const { settings, status, overlay } = state;
  const set = (patch: Partial<PanelSettings>) => controller.updateSettings(patch);
  const running = status === 'running';

  return (
    <div
      data-cy="xai-clip-panel"
      style={{ padding: 10, color: '#e8eef5', fontSize: 13, overflowY: 'auto', height: '100%' }}
    >
      <div style={{ fontWeight: 700, fontSize: 15, marginBottom: 4 }}>XAI-CLIP</div>
      <div style={{ color: '#9fb2c8', fontSize: 12 }}>Where does the segmentation model look?</div>
      <SettingsForm settings={settings} classes={state.classes} onChange={set} />
      <OrganOnSlice controller={controller} state={state} />
      <RunControls
        running={running}
        stage={state.stage}
        progress={state.progress}
        refining={(state.partialUpdates ?? 0) > 0}
        cost={state.cost}
        onExplain={() => void controller.explain()}
        onCancel={() => controller.cancel()}
      />
      {state.message && (
        <MessageBox
          message={state.message}
          tone={status === 'error' ? 'error' : (state.messageTone ?? 'info')}
        />
      )}
      {state.backend && (
        <BackendLine backend={state.backend} fallbackReason={state.fallbackReason} threads={state.threads} />
      )}
      {state.report && <ResultCard report={state.report} />}
      {overlay && (
        <SaliencyLegend
          overlay={overlay}
          opacity={settings.opacity}
          onOpacity={(opacity) => set({ opacity })}
        />
      )}
      <SaveSegSection
        settings={settings}
        hasResult={overlay !== undefined}
        running={running}
        saving={state.saving ?? false}
        target={controller.segStoreTarget()}
        onChange={set}
        onSave={() => void controller.saveSeg()}
      />
    </div>
  );
}
