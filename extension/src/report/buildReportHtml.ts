import { FaithfulnessReport } from '../runtime/faithfulness/FaithfulnessReport';
import { AnalysisRow, ReportContent } from './ReportContent';
import { escapeHtml } from './escapeHtml';

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #1b2430; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #ccd5e0; }
table { border-collapse: collapse; } td, th { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; }
th { font-weight: 600; color: #3a4b61; } img { max-width: 100%; border: 1px solid #ccd5e0; }
.muted { color: #5b6b7f; } .hit { color: #1a7f37; } .miss { color: #b42318; }`;

/**
 * A one-page, self-contained HTML report of one explanation: the explained slice with its overlay,
 * the settings, passes and time, the ROI and the outside-ROI drop, faithfulness and sanity figures
 * when measured, the model and its card, and the notes. Every value is escaped; the picture must
 * be a PNG data URL, so the file needs nothing beside it.
 */
export function buildReportHtml(content: ReportContent): string {
  const { report } = content;
  if (content.image && !PNG_DATA_URL.test(content.image.dataUrl))
    throw new Error('The report’s picture must be a PNG data URL (data:image/png;base64,…).');
  const organ = report.organ.replace(/_/g, ' ');
  const title = `XAI-CLIP: ${report.method} of the ${organ}`;
  const sections = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<div class="muted">${escapeHtml(content.source)} · ${escapeHtml(content.createdAt)}</div>`,
    content.image &&
      `<figure><img alt="${escapeHtml(content.image.caption)}" src="${content.image.dataUrl}"><figcaption class="muted">${escapeHtml(content.image.caption)}</figcaption></figure>`,
    section('Run', [
      ['Explained', report.targetLabel],
      [
        'Forward passes',
        `${report.passes}${report.skippedPasses > 0 ? ` (${report.skippedPasses} skipped: they changed nothing the model sees)` : ''}`,
      ],
      ['Model calls', report.calls],
      ['Time', `${(report.explainMs / 1000).toFixed(1)} s`],
      ['Backend', report.fallbackReason ? `${report.backend} (${report.fallbackReason})` : report.backend],
      ['Batch size', report.batch.size],
      ['Explained slices', describeSlices(report.slices)],
    ]),
    section('ROI', [
      [
        'Source',
        report.roi.fallbackReason ? `${report.roi.source} (${report.roi.fallbackReason})` : report.roi.source,
      ],
      ['Shape', report.roi.shape ?? '—'],
      [
        'Share of the explained slices',
        `${(100 * report.roi.fraction).toFixed(1)} % (${report.roi.voxels} voxels)`,
      ],
      ['Box', report.roi.box ? `${report.roi.box.min.join(', ')} – ${report.roi.box.max.join(', ')}` : '—'],
      [
        'Outside-ROI drop',
        report.outsideRoiDrop === undefined
          ? '—'
          : `replacing everything outside the ROI by the fill ${report.outsideRoiDrop >= 0 ? 'lowers' : 'raises'} the ${organ} score by ${(100 * Math.abs(report.outsideRoiDrop)).toFixed(1)} %`,
      ],
    ]),
    section('Settings', [
      ...Object.entries(content.settings).filter(([, value]) => value !== undefined),
      ...Object.entries(report.methodOptions).map(([name, value]): [string, unknown] => [
        `${report.method}: ${name}`,
        value,
      ]),
    ]),
    content.faithfulness && faithfulnessSection(content.faithfulness),
    content.sanity && content.sanity.length > 0 && analysisSection('Sanity checks', content.sanity),
    `<h2>Model</h2><p>${escapeHtml(report.model)}${
      content.modelCard
        ? ` · <a href="${escapeHtml(content.modelCard)}">model card (${escapeHtml(content.modelCard)})</a>`
        : ''
    }</p>`,
    report.notes.length > 0 &&
      `<h2>Notes</h2><ul>${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`,
  ];
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>`,
    ...sections.filter((part): part is string => typeof part === 'string'),
    '</body></html>',
    '',
  ].join('\n');
}

/** A heading and a two-column table of name and value. */
function section(heading: string, rows: [string, unknown][]): string {
  const body = rows
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(formatValue(value))}</td></tr>`)
    .join('');
  return `<h2>${escapeHtml(heading)}</h2><table>${body}</table>`;
}

function faithfulnessSection(figures: FaithfulnessReport): string {
  const { pointingGame } = figures;
  const rows: [string, unknown][] = [
    ['Deletion AUC (lower is better)', auc(figures.deletionAuc, figures.random?.deletionAuc)],
    ['Insertion AUC (higher is better)', auc(figures.insertionAuc, figures.random?.insertionAuc)],
    [
      'Pointing game',
      `${pointingGame.hits} of ${pointingGame.images} images: the map’s maximum lies in the predicted organ`,
    ],
    ['Passes', `${figures.passes} in ${(figures.ms / 1000).toFixed(1)} s`],
  ];
  return (
    section('Faithfulness', rows) +
    `<p class="muted">The ROI’s voxels removed (deletion, into the fill) or restored (insertion, into a blurred image) in the map’s order, in ${figures.steps} steps up to ${figures.organMultiple}× the explained target’s voxels (the predicted organ, or the run’s region), on the run’s organ score; AUC is the mean normalised score over the curve.${
      figures.random
        ? ` The random order ranks the same voxels by a seeded random map${figures.randomPatchMm ? `, constant on ${figures.randomPatchMm} mm patches` : ''}.`
        : ''
    }</p>` +
    (figures.notes.length > 0
      ? `<ul>${figures.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`
      : '')
  );
}

function analysisSection(heading: string, rows: AnalysisRow[]): string {
  const body = rows
    .map(
      (row) =>
        `<tr><th>${escapeHtml(row.name)}</th><td>${escapeHtml(row.status)}</td><td>${escapeHtml(
          typeof row.figures === 'string' || row.figures === undefined
            ? (row.figures ?? '')
            : Object.entries(row.figures)
                .map(([name, value]) => `${name} ${formatValue(value)}`)
                .join(', '),
        )}</td><td>${escapeHtml(row.summary ?? '')}</td></tr>`,
    )
    .join('');
  return `<h2>${escapeHtml(heading)}</h2><table><tr><th>Check</th><th>Status</th><th>Figures</th><th>Summary</th></tr>${body}</table>`;
}

function auc(map: number, random: number | undefined): string {
  return `${map.toFixed(3)}${random === undefined ? '' : ` (random order ${random.toFixed(3)})`}`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'number') return String(Number(value.toPrecision(4)));
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** "slice 12" or "slices 10–14 (5)": the explained slices, volume order from 0. */
function describeSlices(slices: number[]): string {
  if (slices.length === 1) return `slice ${slices[0]}`;
  return `slices ${slices[0]}–${slices[slices.length - 1]} (${slices.length})`;
}
