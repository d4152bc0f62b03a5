/**
 * onnxruntime-web's WASM threads for this worker: `requested` when the app configures it, else one
 * per core but one (the viewer's main thread keeps a core to render and step slices). Threads
 * need SharedArrayBuffer, which only a cross-origin isolated page (COOP + COEP) has: otherwise 1.
 */
export function wasmThreadCount(context: {
  crossOriginIsolated: boolean;
  hardwareConcurrency?: number;
  requested?: number;
}): number {
  if (!context.crossOriginIsolated) return 1;
  if (context.requested !== undefined) return Math.max(1, Math.floor(context.requested));
  return Math.max(1, (context.hardwareConcurrency ?? 1) - 1);
}
