import { ClipEntry } from '../manifest/ModelManifest';

/** The ROI recipe for one CLIP class: its `roiByClass` entry over the manifest-wide values. */
export function clipRoiSettings(
  clip: ClipEntry,
  className: string,
): { logitScale: number; contextMm: number } {
  const own = clip.roiByClass?.[className] ?? {};
  return {
    logitScale: own.logitScale ?? clip.logitScale,
    contextMm: own.contextMm ?? clip.contextMm ?? 0,
  };
}
