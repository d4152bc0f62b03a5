import { CachedImage, CornerstoneLibraries, Services } from './ohifTypes';

/**
 * The labelmap images of a segmentation in the viewer's cache with the volume slice k each lies
 * over (`imageIds[k]` is its referencedImageId); images over no slice of the series are left out.
 */
export function labelmapSlices(
  segmentationService: Services['segmentationService'],
  { cornerstone }: Pick<CornerstoneLibraries, 'cornerstone'>,
  segmentationId: string,
  imageIds: string[],
): { k: number; image: CachedImage }[] {
  const labelmapIds =
    segmentationService.getSegmentation(segmentationId)?.representationData.Labelmap?.imageIds ?? [];
  return labelmapIds.flatMap((labelmapId) => {
    const image = cornerstone.cache.getImage(labelmapId);
    const k = image?.referencedImageId ? imageIds.indexOf(image.referencedImageId) : -1;
    return image && k >= 0 ? [{ k, image }] : [];
  });
}
