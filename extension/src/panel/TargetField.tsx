import React from 'react';
import type { PanelSettings, PanelState } from '../ohif/panelState';
import { ChoiceField } from './ChoiceField';
import { TARGETS } from './choices';
import { buttonStyle as button, fieldStyle, labelStyle } from './fieldStyles';

/**
 * What the run explains: the whole predicted organ, one piece of it (picked with a click in the
 * viewport: "why is *this* region the organ?"), or a segment of a segmentation in the viewer (a
 * brush-drawn region, a loaded SEG). The organ score then sums the organ's probability over it.
 */
export function TargetField({
  settings,
  state,
  onChange,
  onPick,
  onListPieces,
  onPickPiece,
}: {
  settings: PanelSettings;
  state: Pick<PanelState, 'targetPick' | 'picking' | 'segmentChoices' | 'survey' | 'pieces'>;
  onChange: (patch: Partial<PanelSettings>) => void;
  onPick: () => void;
  onListPieces: () => void;
  onPickPiece: (index: number) => void;
}): React.JSX.Element {
  const organ = settings.organ.replace(/_/g, ' ');
  const { targetPick, picking, segmentChoices, pieces } = state;
  const imageOf = (k: number) => (state.survey?.stackPositions[k] ?? k) + 1;
  const position = targetPick && state.survey?.stackPositions[targetPick.slice];
  const selected = settings.targetSegment;
  const keyOf = (choice: { segmentationId: string; segmentIndex: number }) =>
    `${choice.segmentationId}#${choice.segmentIndex}`;
  return (
    <>
      <ChoiceField
        label="Explain"
        dataCy="xai-target"
        value={settings.target}
        choices={TARGETS}
        onChange={(target) => onChange({ target })}
      />
      {settings.target === 'piece' && (
        <div style={{ marginTop: 6, fontSize: 12 }}>
          <button
            data-cy="xai-pick-piece"
            style={{ ...button(picking ?? false), width: '100%' }}
            onClick={onPick}
          >
            {picking
              ? `Click a piece of ${organ} in the viewport…`
              : `Pick a piece of ${organ} in the viewport`}
          </button>
          <div data-cy="xai-picked" style={{ marginTop: 4, color: '#9fb2c8' }}>
            {targetPick
              ? `Picked on image ${position === undefined ? targetPick.slice + 1 : position + 1}: the piece of ${organ} there is explained.`
              : `No piece picked yet: click Pick, then the ${organ} piece you want explained.`}
          </div>
          <button
            data-cy="xai-list-pieces"
            style={{ ...button(false), width: '100%', marginTop: 6 }}
            onClick={onListPieces}
          >
            List the pieces of {organ} on this slice
          </button>
          {pieces && pieces.organ === settings.organ && (
            <div data-cy="xai-pieces" style={{ marginTop: 4 }}>
              {pieces.list.length === 0
                ? `The model predicts no ${organ} on image ${imageOf(pieces.slice)}.`
                : pieces.list.map((piece) => (
                    <div
                      key={piece.index}
                      data-cy="xai-piece-row"
                      style={{ display: 'flex', alignItems: 'center', marginTop: 2 }}
                    >
                      <span style={{ flex: 1 }}>
                        Piece {piece.index} of {pieces.list.length}: {piece.voxels.toLocaleString('en')}{' '}
                        pixels ({piece.ml >= 1 ? piece.ml.toFixed(1) : piece.ml.toPrecision(2)} mL) on image{' '}
                        {imageOf(pieces.slice)}
                      </span>
                      <button
                        data-cy="xai-pick-listed-piece"
                        style={{ ...button(false), flex: 'none' }}
                        onClick={() => onPickPiece(piece.index)}
                      >
                        Pick
                      </button>
                    </div>
                  ))}
            </div>
          )}
        </div>
      )}
      {settings.target === 'segment' &&
        (segmentChoices.length > 0 ? (
          <>
            <label style={labelStyle}>Segment</label>
            <select
              data-cy="xai-target-segment"
              style={fieldStyle}
              value={selected ? keyOf(selected) : ''}
              onChange={(e) =>
                onChange({ targetSegment: segmentChoices.find((choice) => keyOf(choice) === e.target.value) })
              }
            >
              <option value="" disabled>
                Choose a segment…
              </option>
              {segmentChoices.map((choice) => (
                <option key={keyOf(choice)} value={keyOf(choice)}>
                  {choice.label}
                </option>
              ))}
            </select>
          </>
        ) : (
          <div data-cy="xai-no-segments" style={{ marginTop: 6, fontSize: 12, color: '#9fb2c8' }}>
            No segmentation to pick from: draw a region with OHIF&apos;s brush (Segmentation panel) or load a
            SEG.
          </div>
        ))}
    </>
  );
}
