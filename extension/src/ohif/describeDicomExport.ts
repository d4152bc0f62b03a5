import { ParametricMapExport } from './exportParametricMap';
import { SegExport } from './exportSeg';

/**
 * A save's outcome for the panel: one line (what was saved, where it went, or that storing
 * failed) and the whole account behind "details" (file name, frames, the server's answer, what to do).
 */
export function describeDicomExport(result: SegExport | ParametricMapExport): {
  summary: string;
  details: string;
} {
  const kind =
    result.kind === 'pmap'
      ? { short: 'Parametric Map', long: `DICOM Parametric Map (${result.frames} float32 frames)` }
      : {
          short: 'SEG',
          long: `${result.type === 'labelmap' ? 'label-map' : 'binary'} DICOM SEG (${result.seg.frames} frames)`,
        };
  const what = `Saved "${result.seriesDescription}" as a ${kind.long} and downloaded it as ${result.fileName}.`;
  const { target } = result;
  if ('reason' in target) {
    return {
      summary: `${kind.short} downloaded (${result.fileName}); this data source cannot store it.`,
      details: `${what} ${target.reason}`,
    };
  }
  if (result.stored) {
    return {
      summary: `${kind.short} downloaded and stored in ${target.name}.`,
      details: `${what} Stored in ${target.name} (${target.root}).`,
    };
  }
  return {
    summary: `${kind.short} downloaded, but storing it in ${target.name} failed: click Save to try again.`,
    details:
      `${what} Storing it in ${target.name} failed: ${result.storeError?.replace(/([^.!?])$/, '$1.')} ` +
      'The overlay is kept: click Save to try again, or send the downloaded file.',
  };
}
