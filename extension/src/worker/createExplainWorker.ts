/** Starts the explanation worker; webpack bundles explain.worker.ts as its own module chunk. */
export function createExplainWorker(): Worker {
  return new Worker(new URL('./explain.worker.ts', import.meta.url), { type: 'module' });
}
