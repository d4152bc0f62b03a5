import { Vec3, Volume } from '../engine/volume/Volume';
import { CornerstoneLibraries, CornerstoneViewport, DisplaySet, ImageVolume, Services } from './ohifTypes';

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
  imageVolume: ImageVolume;
  volume: Volume;
  /** Slice k (volume order) shown in the viewport. */
  currentSlice: number;
}

/**
 * The active viewport's series as an engine Volume (HU for CT), from stack or MPR viewports.
 * Refuses, with a message saying what to do, when there is nothing to explain: no active
 * series, a non-image series or a single slice; throws SeriesLoadingError while voxels load.
 */
export function readActiveVolume(services: Services, { cornerstone }: CornerstoneLibraries): ActiveSeries {
  const { viewportGridService, displaySetService, cornerstoneViewportService } = services;
  const viewportId = viewportGridService.getActiveViewportId();
  const uid = viewportId
    ? viewportGridService.getState().viewports.get(viewportId)?.displaySetInstanceUIDs?.[0]
    : undefined;
  const displaySet = uid ? displaySetService.getDisplaySetByUID(uid) : undefined;
  const viewport = viewportId ? cornerstoneViewportService.getCornerstoneViewport(viewportId) : null;
  if (!displaySet || !viewport)
    throw new Error('No active series: load a CT or MR series into a viewport and click it.');
  if (NON_IMAGE_MODALITIES.has(displaySet.Modality)) {
    throw new Error(
      `The active series is a ${displaySet.Modality} object, not an image. Select a CT or MR image series.`,
    );
  }
  const imageIds = viewport.getImageIds();
  if (imageIds.length < 2) {
    throw new Error(
      'The active series has a single slice; XAI-CLIP needs a CT or MR series with several slices.',
    );
  }
  const volumeId =
    viewport.getVolumeId?.() ?? `cornerstoneStreamingImageVolume:${displaySet.displaySetInstanceUID}`;
  const imageVolume = cornerstone.cache.getVolume(volumeId);
  if (!imageVolume || !imageVolume.loadStatus?.loaded) throw new SeriesLoadingError();
  const currentImageId = viewport.getCurrentImageId?.() ?? imageIds[viewport.getCurrentImageIdIndex?.() ?? 0];
  const currentSlice = Math.max(0, imageVolume.imageIds.indexOf(currentImageId));
  const scalars = imageVolume.voxelManager.getCompleteScalarDataArray();
  const volume: Volume = {
    data: scalars as unknown as Volume['data'],
    dimensions: [...imageVolume.dimensions] as Vec3,
    spacing: [...imageVolume.spacing] as Vec3,
    origin: [...imageVolume.origin] as Vec3,
    direction: Array.from(imageVolume.direction),
  };
  return { viewportId, viewport, displaySet, imageVolume, volume, currentSlice };
}

/** Creates and loads the streaming volume behind a stack viewport, so that it can be read. */
export async function ensureVolumeLoaded(
  services: Services,
  { cornerstone }: CornerstoneLibraries,
): Promise<void> {
  const { viewportGridService, displaySetService, cornerstoneViewportService } = services;
  const viewportId = viewportGridService.getActiveViewportId();
  const uid = viewportGridService.getState().viewports.get(viewportId)?.displaySetInstanceUIDs?.[0];
  const displaySet = uid ? displaySetService.getDisplaySetByUID(uid) : undefined;
  const viewport = cornerstoneViewportService.getCornerstoneViewport(viewportId);
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
