import { hasClipPrompts } from './clip/hasClipPrompts';
import { LoadedModel } from './loadModel';
import { ResolvedRequest } from './resolveRequest';

/**
 * The ROI source that runs: the request's, except that CLIP on a class its manifest gives no
 * prompts falls back to the predicted mask (with a note for the report), as the class is
 * otherwise unexplainable with --roi clip.
 */
export function roiSourceOf(
  request: ResolvedRequest,
  loaded: LoadedModel,
  className: string,
): { source: ResolvedRequest['roi']; note?: string } {
  if (request.roi !== 'clip' || !loaded.manifest.clip || hasClipPrompts(loaded.manifest.clip, className)) {
    return { source: request.roi };
  }
  const prompted = Object.keys(loaded.manifest.clip.prompts).filter((name) =>
    loaded.segmenter.classNames.slice(1).includes(name),
  );
  return {
    source: 'mask',
    note:
      `ROI: the model's CLIP part has no prompts for ${className}, so the ROI is the model's predicted ` +
      `${className} (--roi mask) instead of CLIP's. CLIP locates only ${prompted.join(', ') || 'no class of this model'}; ` +
      `add prompts for ${className} to clip.prompts in the manifest to locate it with CLIP.`,
  };
}
