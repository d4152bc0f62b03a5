import { VolumeReadError } from './VolumeReadError';

/** The default limit on the memory one input may take once read: 4 GB (decimal, as --memory-budget). */
export const DEFAULT_MAX_VOLUME_BYTES = 4e9;

/**
 * Refuses an input whose voxels would take more than `maxBytes` before anything is allocated, so an
 * absurd header (or a few bytes claiming billions of voxels) gives a clear error instead of a
 * heap-out-of-memory abort. `what` says how the estimate was made, e.g. "512×512×90 voxels × 4 bytes".
 */
export function checkMemoryEstimate(path: string, bytes: number, what: string, maxBytes: number): void {
  if (bytes <= maxBytes) return;
  const gb = (value: number) => `${(value / 1e9).toPrecision(3)} GB`;
  throw new VolumeReadError(
    path,
    `${path} would take about ${gb(bytes)} of memory (${what}), more than the ${gb(maxBytes)} an input may ` +
      'take. Check that its header declares the right size; crop the image or resample it to coarser voxels first.',
  );
}
