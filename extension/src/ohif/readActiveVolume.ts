import { placementOf, PlacedSlice, stackSlices } from '../engine/volume/stackSlices';
import { Volume } from '../engine/volume/Volume';
import {
  CachedImage,
  CornerstoneLibraries,
  CornerstoneViewport,
  DisplaySet,
  MetaDataProvider,
  Services,
} from './ohifTypes';

const NON_IMAGE_MODALITIES = new Set(['SEG', 'SR', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'KO', 'PR', 'DOC']);

/** The active series' voxels are not all loaded yet; `ensureVolumeLoaded` waits for them. */
export class SeriesLoadingError extends Error {
  constructor() {
    super('The series is still loading. Wait until all its slices are shown, then click Explain again.');
    this.name = 'SeriesLoadingError';
  }
}

export interface ActiveSeries {
  viewportId: string;
  viewport: CornerstoneViewport;
  displaySet: DisplaySet;
  volume: Volume;
  /** imageIds[k]: the image of volume slice k. */
  imageIds: string[];
  /** Slice k (volume order) shown in the viewport. */
  currentSlice: number;
}

/** The active viewport, its cornerstone viewport and the display set it shows (a cheap look, no voxels). */
export function activeViewport(services: Services): {
  viewportId: string;
  displaySetInstanceUID?: string;
  viewport: CornerstoneViewport | null;
} {
  const { viewportGridService, cornerstoneViewportService } = services;
  const viewportId = viewportGridService.getActiveViewportId();
  return {
    viewportId,
    displaySetInstanceUID: viewportId
      ? viewportGridService.getState().viewports.get(viewportId)?.displaySetInstanceUIDs?.[0]
      : undefined,
    viewport: viewportId ? cornerstoneViewportService.getCornerstoneViewport(viewportId) : null,
  };
}

/**
 * The active viewport's series as an engine Volume (HU for CT), from stack or MPR viewports.
 * Refuses, with a message saying what to do, when there is nothing to explain: no active
 * series, a non-image series or a single slice; throws SeriesLoadingError while voxels load.
 *
 * The voxels are read image by image and stacked by `stackSlices`, the CLI's own geometry code,
 * from each image's DICOM header: never through the streaming volume's scalar array, whose type
 * cornerstone takes from its first slice (an all-zero MR slice decodes as Uint8, and every other
 * slice then wraps modulo 256).
 */
export function readActiveVolume(services: Services, { cornerstone }: CornerstoneLibraries): ActiveSeries {
  const { viewportId, displaySetInstanceUID: uid, viewport } = activeViewport(services);
  const displaySet = uid ? services.displaySetService.getDisplaySetByUID(uid) : undefined;
  if (!displaySet || !viewport)
    throw new Error('No active series: load a CT or MR series into a viewport and click it.');
  if (NON_IMAGE_MODALITIES.has(displaySet.Modality)) {
    throw new Error(
      `The active series is a ${displaySet.Modality} object, not an image. Select a CT or MR image series.`,
    );
  }
  const viewportImageIds = viewport.getImageIds();
  if (viewportImageIds.length < 2) {
    throw new Error(
      'The active series has a single slice; XAI-CLIP needs a CT or MR series with several slices.',
    );
  }
  const images = viewportImageIds.map((imageId) => cornerstone.cache.getImage(imageId));
  if (images.some((image) => !image?.getPixelData)) throw new SeriesLoadingError();
  const first = images[0]!;
  const { data, dimensions, spacing, origin, direction, order } = stackSlices(
    viewportImageIds.map((imageId, n) => placedSlice(imageId, images[n]!, cornerstone.metaData)),
    first.columns,
    first.rows,
  );
  const volume: Volume = { data, dimensions, spacing, origin, direction };
  const imageIds = order.map((n) => viewportImageIds[n]);
  const currentImageId =
    viewport.getCurrentImageId?.() ?? viewportImageIds[viewport.getCurrentImageIdIndex?.() ?? 0];
  const currentSlice = Math.max(0, imageIds.indexOf(currentImageId));
  return { viewportId, viewport, displaySet, volume, imageIds, currentSlice };
}

/** One cached image as `stackSlices` takes it: modality values and the plane from its DICOM header. */
function placedSlice(imageId: string, image: CachedImage, metaData: MetaDataProvider): PlacedSlice {
  const header = metaData.get('instance', imageId) ?? {};
  const pixels = image.getPixelData();
  // cornerstone applies the modality LUT while decoding unless pre-scaling is off.
  const scaled = image.preScale?.scaled ?? false;
  const slope = Number(header.RescaleSlope ?? 1);
  const intercept = Number(header.RescaleIntercept ?? 0);
  return {
    name: `Image ${imageId}`,
    values:
      scaled || (slope === 1 && intercept === 0)
        ? pixels
        : Float32Array.from(pixels, (v) => v * slope + intercept),
    ...placementOf(header),
  };
}

/** Creates and loads the streaming volume behind a stack viewport, so that it can be read. */
export async function ensureVolumeLoaded(
  services: Services,
  { cornerstone }: CornerstoneLibraries,
): Promise<void> {
  const { displaySetInstanceUID: uid, viewport } = activeViewport(services);
  const displaySet = uid ? services.displaySetService.getDisplaySetByUID(uid) : undefined;
  if (!displaySet || !viewport || NON_IMAGE_MODALITIES.has(displaySet.Modality)) return;
  const volumeId =
    viewport.getVolumeId?.() ?? `cornerstoneStreamingImageVolume:${displaySet.displaySetInstanceUID}`;
  const volume =
    cornerstone.cache.getVolume(volumeId) ??
    (await cornerstone.volumeLoader.createAndCacheVolume(volumeId, { imageIds: viewport.getImageIds() }));
  if (volume.loadStatus?.loaded) return;
  await new Promise<void>((resolve) => {
    const done = (event: Event) => {
      if ((event as CustomEvent<{ volumeId: string }>).detail?.volumeId !== volumeId) return;
      cornerstone.eventTarget.removeEventListener(
        cornerstone.Enums.Events.IMAGE_VOLUME_LOADING_COMPLETED,
        done,
      );
      resolve();
    };
    cornerstone.eventTarget.addEventListener(cornerstone.Enums.Events.IMAGE_VOLUME_LOADING_COMPLETED, done);
    if (!volume.loadStatus?.loading) volume.load();
  });
}

/** The active series' volume, waiting while its slices still load (`onWaiting` is told first). */
export async function readActiveVolumeWhenLoaded(
  services: Services,
  libraries: CornerstoneLibraries,
  onWaiting?: () => void,
): Promise<ActiveSeries> {
  try {
    return readActiveVolume(services, libraries);
  } catch (error) {
    if (!(error instanceof SeriesLoadingError)) throw error;
    onWaiting?.();
    await ensureVolumeLoaded(services, libraries);
    return readActiveVolume(services, libraries);
  }
}
