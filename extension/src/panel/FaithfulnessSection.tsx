import React from 'react';
import type { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import {
  FAITHFULNESS_ORGAN_MULTIPLE,
  FAITHFULNESS_RANDOM_PATCH_MM,
  FAITHFULNESS_STEPS,
  faithfulnessPasses,
} from '../runtime/faithfulness/faithfulnessPasses';
import { CheckField } from './CheckField';
import { buttonStyle } from './fieldStyles';

const MEASURE_HINT =
  `Removes the ROI's voxels in the map's order (deletion: into the run's fill) or restores them into a ` +
  `blurred image (insertion), in ${FAITHFULNESS_STEPS} steps up to ${FAITHFULNESS_ORGAN_MULTIPLE}× the ` +
  `explained target's voxels (the predicted organ, or the run's region; all of the ROI when it is smaller), ` +
  `and re-scores the organ on the run's own ` +
  `target. AUC: the mean normalised organ score over the curve. The random order ranks the same voxels by a ` +
  `seeded random map, constant on ${FAITHFULNESS_RANDOM_PATCH_MM} mm patches. Pointing game: whether the map's ` +
  `maximum lies in the explained target.`;

/**
 * The current run's faithfulness: the button that measures it (its passes; with or without the
 * random-order baseline), then deletion AUC (lower better) and insertion AUC (higher better), each
 * beside the random order's, the pointing game, and the passes and time it took.
 */
export function FaithfulnessSection({
  figures,
  images,
  randomBaseline,
  busy,
  onRandomBaseline,
  onMeasure,
}: {
  figures?: FaithfulnessReport;
  /** The run's explained images: what the passes are counted over. */
  images: number;
  randomBaseline: boolean;
  busy: boolean;
  onRandomBaseline: (checked: boolean) => void;
  onMeasure: () => void;
}): React.JSX.Element {
  const passes = faithfulnessPasses(images, { randomBaseline });
  return (
    <div data-cy="xai-faithfulness" style={{ marginTop: 10, fontSize: 12 }}>
      <button
        data-cy="xai-faithfulness-measure"
        style={buttonStyle(false)}
        disabled={busy}
        title={MEASURE_HINT}
        onClick={onMeasure}
      >
        Faithfulness ({passes} passes)
      </button>
      <CheckField
        label="Also a random order of the same voxels (2× passes)"
        dataCy="xai-faithfulness-random"
        checked={randomBaseline}
        onChange={onRandomBaseline}
      />
      {figures && (
        <table data-cy="xai-faithfulness-figures" title={MEASURE_HINT} style={{ marginTop: 6 }}>
          <tbody>
            <tr data-cy="xai-deletion-auc">
              <td>Deletion AUC (lower better)</td>
              <td>{aucText(figures.deletionAuc, figures.random?.deletionAuc)}</td>
            </tr>
            <tr data-cy="xai-insertion-auc">
              <td>Insertion AUC (higher better)</td>
              <td>{aucText(figures.insertionAuc, figures.random?.insertionAuc)}</td>
            </tr>
            <tr data-cy="xai-pointing-game">
              <td>Pointing game</td>
              <td>
                {figures.pointingGame.images === 1
                  ? figures.pointingGame.hits === 1
                    ? 'hit (maximum in the target)'
                    : 'miss (maximum outside the target)'
                  : `${figures.pointingGame.hits}/${figures.pointingGame.images} hits`}
              </td>
            </tr>
            <tr>
              <td colSpan={2} style={{ color: '#9fb2c8' }}>
                {figures.passes} passes · {(figures.ms / 1000).toFixed(1)} s
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {figures?.notes.map((note) => (
        <div key={note} style={{ color: '#9fb2c8' }}>
          {note}
        </div>
      ))}
    </div>
  );
}

function aucText(map: number, random: number | undefined): string {
  return random === undefined ? map.toFixed(3) : `${map.toFixed(3)} (random ${random.toFixed(3)})`;
}
