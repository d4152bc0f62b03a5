import * as os from 'os';

/**
 * onnxruntime-node's intra-op threads for the CLI: one core fewer than the machine has (at least
 * one), leaving a core to the engine's own work between calls (perturbing, scoring) and to the
 * rest of the machine. ONNX Runtime's default (every core) spins on all of them: on a busy
 * 2-core machine the CHAOS CT SegFormer ran 36 ms per pass on 2 threads and 20 ms on 1.
 */
export function sessionThreads(cores = os.availableParallelism()): number {
  return Math.max(1, cores - 1);
}
