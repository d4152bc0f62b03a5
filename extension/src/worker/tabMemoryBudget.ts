/**
 * The tab's default budget for one batch: 2 GB. onnxruntime-web keeps the network's weights and
 * intermediate values in a 32-bit WASM heap (4 GiB at most), and the main thread holds the
 * series and the viewer's own buffers; half of that heap leaves room for both.
 */
export const TAB_MEMORY_BUDGET_BYTES = 2e9;

/**
 * Bytes a batch may take in this tab: TAB_MEMORY_BUDGET_BYTES, or a quarter of the device's memory
 * when it reports less (`navigator.deviceMemory`, in GB, rounded down by the browser; absent in
 * Firefox and Safari) — the tab shares the device with the browser and other tabs.
 */
export function tabMemoryBudget(deviceMemoryGb: number | undefined): number {
  return deviceMemoryGb
    ? Math.min(TAB_MEMORY_BUDGET_BYTES, (deviceMemoryGb * 1e9) / 4)
    : TAB_MEMORY_BUDGET_BYTES;
}
