import { writeFileSync } from 'fs';

/** How a peak was read: the kernel's high-water mark, or the resident size after the work. */
export type PeakSource = 'maxRSS' | 'rss after the runs';

/**
 * Starts watching this process's resident memory; the returned function says how far its peak
 * rose since, and the peak itself. onnxruntime-node runs a model synchronously on the JavaScript thread, so sampling
 * process.memoryUsage() between timer ticks never sees inside a run; the kernel's high-water mark
 * (process.resourceUsage().maxRSS) does, once reset to the current size, which Linux allows by
 * writing 5 to /proc/self/clear_refs. Where that fails the mark would still hold the model load's
 * peak, so the resident size after the work stands in: ONNX Runtime's CPU arena keeps what it grew
 * to, so that is close to the peak of the network's tensors (not of buffers freed in between).
 */
export function trackPeakRss(): () => { growthBytes: number; peakBytes: number; source: PeakSource } {
  const highWaterMarkReset = resetHighWaterMark();
  const before = process.memoryUsage().rss;
  return () => {
    const peakBytes = highWaterMarkReset ? process.resourceUsage().maxRSS * 1024 : process.memoryUsage().rss;
    return {
      growthBytes: peakBytes - before,
      peakBytes,
      source: highWaterMarkReset ? 'maxRSS' : 'rss after the runs',
    };
  };
}

function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false; // not Linux, or /proc not writable here
  }
}
