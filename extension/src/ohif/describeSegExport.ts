import { SegExport } from './exportSeg';

/** The panel's one-paragraph account of a save: what was written, where it went, what failed. */
export function describeSegExport(result: SegExport): string {
  const what =
    `Saved "${result.seriesDescription}" as a ${result.type === 'labelmap' ? 'label-map' : 'binary'} DICOM SEG ` +
    `(${result.seg.frames} frames) and downloaded it as ${result.fileName}.`;
  const { target } = result;
  if ('reason' in target) return `${what} ${target.reason}`;
  if (result.stored) return `${what} Stored in ${target.name} (${target.root}).`;
  return (
    `${what} Storing it in ${target.name} failed: ${result.storeError?.replace(/([^.!?])$/, '$1.')} ` +
    'The overlay is kept: click Save as DICOM SEG to try again, or send the downloaded file.'
  );
}
