/** The one-page HTML report of an explanation: pure string building, shared by the CLI and the viewer. */
export * from './ReportContent';
export * from './buildReportHtml';
export * from './escapeHtml';
export * from './sanityRows';
