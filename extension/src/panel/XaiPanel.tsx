import React, { useEffect, useState } from 'react';
import type { PanelSettings, PanelState } from '../ohif/panelState';
import type { XaiClipController } from '../ohif/XaiClipController';
import { BackendLine } from './BackendLine';
import { MessageBox } from './MessageBox';
import { OrganOnSlice } from './OrganOnSlice';
import { buttonStyle, DISABLED_BUTTONS_CSS } from './fieldStyles';
import { FaithfulnessSection } from './FaithfulnessSection';
import { ResultCard } from './ResultCard';
import { RunControls } from './RunControls';
import { RunList } from './RunList';
import { SaliencyLegend } from './SaliencyLegend';
import { SaveSegSection } from './SaveSegSection';
import { SanitySection } from './SanitySection';
import { SettingsForm } from './SettingsForm';
import { TargetField } from './TargetField';

/**
 * The "XAI-CLIP" panel: the settings, what the survey says of the slice shown, Explain / Cancel
 * with progress, the message, backend, the run list, the current run's result card, faithfulness
 * and report export, its legend, and Save as DICOM SEG. It renders the controller's store and calls the controller's actions.
 */
export function XaiPanel({ controller }: { controller: XaiClipController }): React.JSX.Element {
  const { store } = controller;
  const [state, setState] = useState<PanelState>(store.state);
  useEffect(() => store.subscribe(setState), [store]);
  useEffect(() => controller.attachPanel(), [controller]);
  const { settings, status, overlay, report } = state;
  const currentRun = state.runs.find((run) => run.id === state.currentRunId);
  const set = (patch: Partial<PanelSettings>) => controller.updateSettings(patch);
  const running = status === 'running';

  return (
    <div
      data-cy="xai-clip-panel"
      style={{ padding: 10, color: '#e8eef5', fontSize: 13, overflowY: 'auto', height: '100%' }}
    >
      <style>{DISABLED_BUTTONS_CSS}</style>
      <div style={{ fontWeight: 700, fontSize: 15, marginBottom: 4 }}>XAI-CLIP</div>
      <div style={{ color: '#9fb2c8', fontSize: 12 }}>Where does the segmentation model look?</div>
      <SettingsForm
        settings={settings}
        classes={state.classes}
        onChange={set}
        target={
          <TargetField
            settings={settings}
            state={state}
            onChange={set}
            onPick={() => void controller.pickTargetPiece()}
            onListPieces={() => void controller.listPieces()}
            onPickPiece={(index) => controller.pickPiece(index)}
          />
        }
      />
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
          details={state.messageDetails}
          tone={status === 'error' ? 'error' : (state.messageTone ?? 'info')}
        />
      )}
      {state.backend && (
        <BackendLine backend={state.backend} fallbackReason={state.fallbackReason} threads={state.threads} />
      )}
      <RunList
        runs={state.runs}
        currentRunId={state.currentRunId}
        compared={state.comparedRuns}
        running={running}
        onShow={(id, visible) => void controller.showRun(id, visible)}
        onRemove={(id) => void controller.removeRun(id)}
        onRename={(id, label) => void controller.renameRun(id, label)}
        onCompare={(a, b) => void controller.compareRuns(a, b)}
        onSwap={() => void controller.swapComparedRuns()}
      />
      {report && currentRun && <ResultCard report={report} slices={currentRun.slices} />}
      {report && currentRun && (
        <FaithfulnessSection
          figures={state.faithfulness}
          images={report.roiBoxes.length}
          randomBaseline={settings.faithfulnessRandom}
          busy={running || (state.saving ?? false)}
          onRandomBaseline={(faithfulnessRandom) => set({ faithfulnessRandom })}
          onMeasure={() => void controller.measureFaithfulness()}
        />
      )}
      {report && currentRun && (
        <SanitySection
          sanity={state.sanity}
          busy={running || (state.saving ?? false)}
          onCheck={() => void controller.checkSanity()}
        />
      )}
      {report && currentRun && (
        <div style={{ display: 'flex', marginTop: 8 }}>
          <button
            data-cy="xai-export-report"
            style={buttonStyle(false)}
            disabled={running}
            title="A one-page HTML file: the viewport with the overlay, the settings, passes and time, the ROI, the figures, the model card"
            onClick={() => controller.exportReport()}
          >
            Export report
          </button>
        </div>
      )}
      {overlay && currentRun && (
        <SaliencyLegend
          overlay={overlay}
          runLabel={currentRun.label}
          method={currentRun.method}
          organ={currentRun.organ}
          settings={settings}
          onChange={set}
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
