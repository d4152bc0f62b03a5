import { AnalysisRow } from './ReportContent';

/**
 * The rows of an analysis section read from JSON whose details the report does not know (e.g.
 * report.json's `sanity`): an array of rows, or an object holding one as `rows`. Entries without
 * a name and a status are left out; anything else gives undefined.
 */
export function analysisRowsOf(value: unknown): AnalysisRow[] | undefined {
  const rows = Array.isArray(value) ? value : (value as { rows?: unknown } | undefined)?.rows;
  if (!Array.isArray(rows)) return undefined;
  return rows.filter(
    (row): row is AnalysisRow =>
      typeof row === 'object' &&
      row !== null &&
      typeof (row as AnalysisRow).name === 'string' &&
      typeof (row as AnalysisRow).status === 'string',
  );
}
