import { ClipEntry } from '../manifest/ModelManifest';

/**
 * Whether the CLIP part can locate the segmenter class `className`: a manifest may leave
 * classes without prompts (an organ its CLIP was not trained on), and those get no CLIP ROI.
 */
export function hasClipPrompts(clip: ClipEntry | undefined, className: string): boolean {
  return clip !== undefined && Object.hasOwn(clip.prompts, className);
}
