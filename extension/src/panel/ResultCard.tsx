import React from 'react';
import { describeBatch } from '../runtime/describeBatch';
import type { ExplanationReport } from '../runtime/reportOf';
import { describeViewerSlices, ViewerSlices } from '../ohif/viewerSlices';
import { roiName } from './choices';

/** A fall of the organ score this large without the outside of the ROI is worth a word on the card. */
const OUTSIDE_ROI_NOTABLE = 0.1;

const outsideRoiHint = (ranked: boolean) =>
  'One extra forward pass with everything outside the ROI replaced by the fill. ' +
  (ranked
    ? 'The ROI-guided occlusion map ranks the outside only in coarse tiles'
    : 'The ROI-guided map is 0 there by construction') +
  '; a large drop means the model also uses context outside the ROI (a full-image explanation shows where).';

const SKIPPED_HINT =
  'Perturbations that left the network input as it was (e.g. a window over air already at the fill ' +
  'value): their score drop is exactly 0, so they were not run; the map is the same.';

const TARGET_HINT =
  "The organ score summed the model's organ probability over this region only: the map shows what makes " +
  'the model call this region the organ.';

/**
 * What the current run did: method and organ, passes and time, the ROI's share, the outside-ROI
 * check, slices (numbered as the viewer numbers them), notes.
 */
export function ResultCard({
  report,
  slices,
}: {
  report: ExplanationReport;
  slices: ViewerSlices;
}): React.JSX.Element {
  const organ = report.organ.replace(/_/g, ' ');
  return (
    <div
      data-cy="xai-result"
      style={{ marginTop: 10, padding: 8, border: '1px solid #3a4b61', borderRadius: 4, fontSize: 12 }}
    >
      <div style={{ fontWeight: 600 }}>
        {report.method} · {organ}
      </div>
      {report.explainedTarget.kind !== 'organ' && (
        <div data-cy="xai-target-line" title={TARGET_HINT}>
          Explained: {report.targetLabel.replace(/_/g, ' ')}
        </div>
      )}
      <div>
        {report.passes} forward passes · {(report.explainMs / 1000).toFixed(1)} s
        {report.skippedPasses > 0 && (
          <span data-cy="xai-skipped" title={SKIPPED_HINT}>
            {' '}
            · {report.skippedPasses} skipped
          </span>
        )}
        <span data-cy="xai-batch" title={describeBatch(report)}>
          {' '}
          · batch {report.batch.size}
        </span>
      </div>
      <div>
        ROI ({roiName(report.roi.source)}): {(100 * report.roi.fraction).toFixed(1)} % of the explained{' '}
        {report.slices.length > 1 ? 'slices' : 'slice'}
        {report.roi.fallbackReason ? ` (${report.roi.fallbackReason})` : ''}
      </div>
      {report.outsideRoiDrop !== undefined && (
        <div data-cy="xai-outside-roi" title={outsideRoiHint(report.outsideRanked)}>
          Outside the ROI: replacing it {report.outsideRoiDrop >= 0 ? 'lowers' : 'raises'} the {organ} score
          by {(100 * Math.abs(report.outsideRoiDrop)).toFixed(1)} %
          {report.outsideRoiDrop >= OUTSIDE_ROI_NOTABLE
            ? report.outsideRanked
              ? ' (the model also uses context there, which this map shows only in coarse tiles)'
              : ' (the model also uses context this map cannot show)'
            : ''}
        </div>
      )}
      {report.surrogateR2 !== undefined && (
        <div
          data-cy="xai-surrogate-r2"
          title="How well LIME's linear surrogate predicts samples it was not fitted on (5-fold, kernel-weighted): the map is trustworthy as far as this is near 1"
        >
          Surrogate fit: held-out R² {report.surrogateR2.toFixed(2)}
        </div>
      )}
      <div data-cy="xai-slices" title={`Numbered as the viewer numbers them (its "n/${slices.count}")`}>
        {capitalised(describeViewerSlices(slices.explained))} of {slices.count}
        {slices.interpolated && (
          <span data-cy="xai-interpolated" title={`Interpolated: ${slices.interpolated.join(', ')}`}>
            {' '}
            ({slices.interpolated.length} interpolated between perturbed ones)
          </span>
        )}
      </div>
      {report.notes.map((note) => (
        <div key={note} style={{ color: '#9fb2c8' }}>
          {note}
        </div>
      ))}
    </div>
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
