import * as fs from 'fs';
import * as path from 'path';
import { Volume } from '@xai-clip/engine';
import { storeToDicomWeb } from '@xai-clip/seg';
import { DicomSeriesMeta } from '@xai-clip/io';
import { buildSaliencySeg } from './buildSaliencySeg';
import { readSourceHeaders } from './readSourceHeaders';

/** The explain command's DICOM SEG options. */
export interface SegExportOptions {
  input: string;
  out: string;
  /** Where to write the SEG (default <out>/saliency.seg.dcm when only --stow is given). */
  seg?: string;
  segType?: 'binary' | 'labelmap';
  segLevels?: number;
  /** DICOMweb root to store the SEG in (STOW-RS). */
  stow?: string;
}

/** What the SEG export adds to report.json. */
export interface SegExportReport {
  path: string;
  type: 'binary' | 'labelmap';
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  referencedSeriesInstanceUid: string;
  frames: number;
  segments: { number: number; label: string; voxels: number }[];
  stow?: { root: string; stored: boolean; retrieveUrl?: string; error?: string };
}

/** Exports a saliency map; `error` is set (and the file still written) when storing it failed. */
export type SegExport = (
  saliency: ArrayLike<number>,
  what: { method: string; organ: string; parameters?: string },
) => Promise<{ report: SegExportReport; error?: Error }>;

/**
 * `explain --seg/--stow`: checks before the explanation runs that the input can carry a SEG (a
 * DICOM series; a NIfTI file cannot), and returns the step that runs after it: bin the saliency
 * as the viewer does, build the SEG against the series' files (`buildSaliencySeg`), write it, and
 * store it with STOW-RS when --stow names a DICOMweb root. Returns undefined when neither option
 * is given. A failed store does not lose the SEG: the file is written first, and the failure comes
 * back as `error` for the caller to report after its own outputs are saved.
 */
export function prepareSegExport(
  options: SegExportOptions,
  volume: Volume & { meta?: DicomSeriesMeta },
): SegExport | undefined {
  if (!options.seg && !options.stow) return undefined;
  const meta = volume.meta;
  if (!meta) {
    throw new Error(
      `--seg/--stow write a DICOM SEG, which must reference the DICOM images it segments, but the input ` +
        `${options.input} is not a DICOM series (${/\.nii(\.gz)?$/i.test(options.input) ? 'it is a NIfTI file' : 'no DICOM headers'}). ` +
        'Run explain on the DICOM series folder instead, or leave out --seg/--stow.',
    );
  }
  const levels = options.segLevels ?? 6;
  if (!(Number.isInteger(levels) && levels >= 2 && levels <= 255)) {
    throw new Error(
      `--seg-levels must be a whole number from 2 to 255 (levels − 1 segments), got ${levels}.`,
    );
  }
  const file = options.seg ?? path.join(options.out, 'saliency.seg.dcm');
  const type = options.segType ?? 'binary';
  return async (saliency, what) => {
    const headers = await readSourceHeaders(meta);
    const seg = await buildSaliencySeg(headers, saliency, {
      ...what,
      type,
      levels,
      version: xaiClipVersion(),
    });
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    await fs.promises.writeFile(file, new Uint8Array(seg.bytes));
    const report: SegExportReport = {
      path: file,
      type,
      sopClassUid: seg.sopClassUid,
      sopInstanceUid: seg.sopInstanceUid,
      seriesInstanceUid: seg.seriesInstanceUid,
      studyInstanceUid: seg.studyInstanceUid,
      referencedSeriesInstanceUid: meta.SeriesInstanceUID,
      frames: seg.frames,
      segments: seg.segments.map((segment, n) => ({
        number: segment.SegmentNumber,
        label: segment.SegmentLabel,
        voxels: seg.voxelsPerSegment[n],
      })),
    };
    if (!options.stow) return { report };
    try {
      const stored = await storeToDicomWeb(options.stow, seg.bytes, {
        referencedSeries: {
          StudyInstanceUID: meta.StudyInstanceUID,
          SeriesInstanceUID: meta.SeriesInstanceUID,
        },
      });
      report.stow = {
        root: options.stow,
        stored: true,
        ...(stored.retrieveUrl ? { retrieveUrl: stored.retrieveUrl } : {}),
      };
      return { report };
    } catch (error) {
      const message = (error as Error).message;
      report.stow = { root: options.stow, stored: false, error: message };
      return {
        report,
        error: new Error(`${message} The SEG is saved at ${file}; store it once the server is ready.`),
      };
    }
  };
}

/** XAI-CLIP's version from the package.json above this file (source or build tree). */
function xaiClipVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'xai-clip' && pkg.version) return pkg.version;
  }
  return 'unknown';
}
