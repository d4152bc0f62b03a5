import * as fs from 'fs';
import * as path from 'path';
import { Volume } from '@xai-clip/engine';
import { buildSaliencyParametricMap, PARAMETRIC_MAP, storeToDicomWeb } from '@xai-clip/seg';
import { DicomSeriesMeta, writeFileAtomic } from '@xai-clip/io';
import { buildSaliencySeg } from './buildSaliencySeg';
import { readSourceHeaders } from './readSourceHeaders';

/** The explain command's DICOM options: SEG of the levels, Parametric Map of the values. */
export interface SegExportOptions {
  input: string;
  out: string;
  /** Where to write the SEG (default <out>/saliency.seg.dcm when only --stow is given). */
  seg?: string;
  segType?: 'binary' | 'labelmap';
  segLevels?: number;
  /** Where to write the continuous saliency as a DICOM Parametric Map. */
  pmap?: string;
  /** DICOMweb root to store the SEG and the Parametric Map in (STOW-RS). */
  stow?: string;
}

/** Where a DICOM object went: its file, and the DICOMweb server when --stow was given. */
interface StoredObject {
  path: string;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  referencedSeriesInstanceUid: string;
  frames: number;
  stow?: { root: string; stored: boolean; retrieveUrl?: string; error?: string };
}

/** What the SEG export adds to report.json. */
export interface SegExportReport extends StoredObject {
  type: 'binary' | 'labelmap';
  segments: { number: number; label: string; voxels: number }[];
}

/** What the Parametric Map export adds to report.json. */
export interface ParametricMapReport extends StoredObject {
  /** The saliency's range as the map's value mapping states it. */
  min: number;
  max: number;
}

/** Writes one output file (by default whole or not at all; explain stages it with the case's others). */
export type WriteOutput = (file: string, bytes: Uint8Array) => Promise<void>;

/** Exports a saliency map; `error` is set (and the files still written) when storing failed. */
export type SegExport = (
  saliency: ArrayLike<number>,
  what: { method: string; organ: string; parameters?: string },
  write?: WriteOutput,
) => Promise<{ seg?: SegExportReport; pmap?: ParametricMapReport; error?: Error }>;

/**
 * `explain --seg/--pmap/--stow`: checks before the explanation runs that the input can carry
 * DICOM objects (a DICOM series; a NIfTI file cannot), and returns the step that runs after it:
 * the SEG of the levels (binned as the viewer bins them, `buildSaliencySeg`) and/or the
 * Parametric Map of the values (`buildSaliencyParametricMap`), each built against the series'
 * files, written, and stored with STOW-RS when --stow names a DICOMweb root (--stow alone stores
 * the SEG, at <out>/saliency.seg.dcm). Returns undefined when none of the options is given. A
 * failed store loses nothing: every file is written first, and the failure comes back as `error`
 * for the caller to report after its own outputs are saved.
 */
export function prepareSegExport(
  options: SegExportOptions,
  volume: Volume & { meta?: DicomSeriesMeta },
): SegExport | undefined {
  if (!options.seg && !options.pmap && !options.stow) return undefined;
  const meta = volume.meta;
  if (!meta) {
    throw new Error(
      `--seg/--pmap/--stow write DICOM objects, which must reference the DICOM images they describe, but the input ` +
        `${options.input} is not a DICOM series (${/\.nii(\.gz)?$/i.test(options.input) ? 'it is a NIfTI file' : 'no DICOM headers'}). ` +
        'Run explain on the DICOM series folder instead, or leave out --seg/--pmap/--stow.',
    );
  }
  const levels = options.segLevels ?? 6;
  if (!(Number.isInteger(levels) && levels >= 2 && levels <= 255)) {
    throw new Error(
      `--seg-levels must be a whole number from 2 to 255 (levels − 1 segments), got ${levels}.`,
    );
  }
  const segFile = options.seg ?? (options.pmap ? undefined : path.join(options.out, 'saliency.seg.dcm'));
  if (segFile && options.pmap && path.resolve(segFile) === path.resolve(options.pmap)) {
    throw new Error(
      `--seg and --pmap name the same file (${options.pmap}); give each its own path, e.g. saliency.seg.dcm and saliency.pmap.dcm.`,
    );
  }
  const type = options.segType ?? 'binary';
  const version = xaiClipVersion();
  const referencedSeries = {
    StudyInstanceUID: meta.StudyInstanceUID,
    SeriesInstanceUID: meta.SeriesInstanceUID,
  };

  /** Writes one object's file, then stores it when --stow is given; a failed store is reported, not thrown. */
  const save = async <R extends StoredObject>(
    write: WriteOutput,
    what: string,
    file: string,
    bytes: ArrayBuffer,
    report: R,
  ) => {
    await write(file, new Uint8Array(bytes));
    if (!options.stow) return { report };
    try {
      const stored = await storeToDicomWeb(options.stow, bytes, { referencedSeries, what });
      report.stow = {
        root: options.stow,
        stored: true,
        ...(stored.retrieveUrl ? { retrieveUrl: stored.retrieveUrl } : {}),
      };
      return { report };
    } catch (error) {
      const message = (error as Error).message;
      report.stow = { root: options.stow, stored: false, error: message };
      return { report, error: `${message} The file is saved at ${file}; store it once the server is ready.` };
    }
  };

  const writeWhole: WriteOutput = async (file, bytes) => {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), { recursive: true });
    writeFileAtomic(file, bytes);
  };
  return async (saliency, what, write = writeWhole) => {
    const headers = await readSourceHeaders(meta);
    const errors: string[] = [];
    let segReport: SegExportReport | undefined;
    let pmapReport: ParametricMapReport | undefined;
    if (segFile) {
      const seg = await buildSaliencySeg(headers, saliency, { ...what, type, levels, version });
      const saved = await save(write, 'SEG', segFile, seg.bytes, {
        path: segFile,
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
      });
      segReport = saved.report;
      if (saved.error) errors.push(`Storing the SEG failed: ${saved.error}`);
    }
    if (options.pmap) {
      const pmap = await buildSaliencyParametricMap(headers, saliency, { ...what, version });
      const saved = await save(write, 'Parametric Map', options.pmap, pmap.bytes, {
        path: options.pmap,
        sopClassUid: PARAMETRIC_MAP,
        sopInstanceUid: pmap.sopInstanceUid,
        seriesInstanceUid: pmap.seriesInstanceUid,
        studyInstanceUid: pmap.studyInstanceUid,
        referencedSeriesInstanceUid: meta.SeriesInstanceUID,
        frames: pmap.frames,
        min: pmap.min,
        max: pmap.max,
      });
      pmapReport = saved.report;
      if (saved.error) errors.push(`Storing the Parametric Map failed: ${saved.error}`);
    }
    return {
      ...(segReport ? { seg: segReport } : {}),
      ...(pmapReport ? { pmap: pmapReport } : {}),
      ...(errors.length ? { error: new Error(errors.join(' ')) } : {}),
    };
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
