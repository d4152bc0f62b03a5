import { Services } from './ohifTypes';

/** OHIF's switch for its segment statistics (extension-cornerstone's segmentationHandlers). */
const STATS_OFF = 'panelSegmentation.disableUpdateSegmentationStats';

/**
 * Turns OHIF's segment statistics off until the returned function restores the value before.
 * OHIF recomputes every segment's statistics, from a full copy of the labelmap, a second after
 * each data change: with a running map painted every second, that held the main thread (and the
 * viewer's slice steps) for most of a second at a time. The refining overlay needs no statistics;
 * the result's overlay, written after the restore, gets them as before. Without a customization
 * service (tests, older hosts) nothing is held.
 */
export function holdSegmentationStats(customizationService: Services['customizationService']): () => void {
  if (!customizationService) return () => undefined;
  const before = customizationService.getCustomization(STATS_OFF);
  customizationService.setCustomizations({ [STATS_OFF]: { $set: true } });
  return () => customizationService.setCustomizations({ [STATS_OFF]: { $set: before ?? false } });
}
