import type { CaseReport } from '../commands/ExplainCommandOptions';
import { CohortCase } from './listCohort';

export interface SummaryEntry {
  case: CohortCase;
  status: 'done' | 'skipped' | 'failed';
  report?: CaseReport;
  error?: string;
}

/** The summary CSV's columns, in order. */
export const SUMMARY_COLUMNS = [
  'case',
  'status',
  'input',
  'labels',
  'organ',
  'method',
  'roi',
  'outside_roi_drop',
  'scope',
  'slices',
  'passes',
  'explain_ms',
  'wall_ms',
  'peak_rss_mib',
  'backend',
  'dice_otsu',
  'iou_otsu',
  'dice_top_gt',
  'iou_top_gt',
  'saliency',
  'overlay',
  'report',
  'error',
] as const;

/** One line per case (RFC 4180 quoting); metrics are empty without labels, outputs empty when failed. */
export function summaryCsv(entries: SummaryEntry[]): string {
  const lines = [SUMMARY_COLUMNS.join(',')];
  for (const entry of entries) {
    const r = entry.report;
    const row: Record<(typeof SUMMARY_COLUMNS)[number], unknown> = {
      case: entry.case.id,
      status: entry.status,
      input: entry.case.input,
      labels: entry.case.labels,
      organ: r?.organ,
      method: r?.method,
      roi: r?.roi.source,
      outside_roi_drop: r?.outsideRoiDrop?.toFixed(4),
      scope: r?.scope,
      slices: r?.slices.join(' '),
      passes: r?.passes,
      explain_ms: r?.explainMs,
      wall_ms: r?.wallMs,
      // MiB, as Slurm's --mem and Kubernetes' Mi count; absent from reports of older versions.
      peak_rss_mib: r?.peakRss && (r.peakRss.bytes / 2 ** 20).toFixed(0),
      backend: r?.backend,
      dice_otsu: r?.metrics?.otsu.dice.toFixed(4),
      iou_otsu: r?.metrics?.otsu.iou.toFixed(4),
      dice_top_gt: r?.metrics?.topGt.dice.toFixed(4),
      iou_top_gt: r?.metrics?.topGt.iou.toFixed(4),
      saliency: r?.saliency,
      overlay: r?.overlay?.path,
      report: r ? r.saliency.replace(/saliency\.nii\.gz$/, 'report.json') : undefined,
      error: entry.error,
    };
    lines.push(SUMMARY_COLUMNS.map((column) => quote(row[column])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function quote(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
