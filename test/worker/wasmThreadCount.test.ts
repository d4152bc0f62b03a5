import { wasmThreadCount } from '../../extension/src/worker/wasmThreadCount';

describe('wasmThreadCount', () => {
  it('uses one thread per core but one in a cross-origin isolated page', () => {
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 8 })).toBe(7);
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 2 })).toBe(1);
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 1 })).toBe(1);
    expect(wasmThreadCount({ crossOriginIsolated: true })).toBe(1);
  });

  it('takes the configured count, at least one', () => {
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 8, requested: 2 })).toBe(2);
    expect(wasmThreadCount({ crossOriginIsolated: true, hardwareConcurrency: 8, requested: 0 })).toBe(1);
  });

  it('runs on one thread without cross-origin isolation (no SharedArrayBuffer)', () => {
    expect(wasmThreadCount({ crossOriginIsolated: false, hardwareConcurrency: 8, requested: 4 })).toBe(1);
  });
});
