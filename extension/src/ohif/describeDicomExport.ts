import { ParametricMapExport } from './exportParametricMap';
import { SegExport } from './exportSeg';

/** The panel's one-paragraph account of a save: what was written, where it went, what failed. */
export function describeDicomExport(result: SegExport | ParametricMapExport): string {
  const kind =
    result.kind === 'pmap'
      ? `DICOM Parametric Map (${result.frames} float32 frames)`
      : `${result.type === 'labelmap' ? 'label-map' : 'binary'} DICOM SEG (${result.seg.frames} frames)`;
  const what = `Saved "${result.seriesDescription}" as a ${kind} and downloaded it as ${result.fileName}.`;
  const { target } = result;
  if ('reason' in target) return `${what} ${target.reason}`;
  if (result.stored) return `${what} Stored in ${target.name} (${target.root}).`;
  return (
    `${what} Storing it in ${target.name} failed: ${result.storeError?.replace(/([^.!?])$/, '$1.')} ` +
    'The overlay is kept: click Save to try again, or send the downloaded file.'
  );
}
