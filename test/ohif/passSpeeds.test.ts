import { PASS_SPEEDS_KEY, PassSpeeds, SpeedStorage } from '../../extension/src/ohif/PassSpeeds';

/** localStorage as far as PassSpeeds uses it. */
function memoryStorage(): SpeedStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

describe('PassSpeeds: the measured speed of each model on each backend', () => {
  it('knows nothing before the first run', () => {
    expect(new PassSpeeds(memoryStorage()).of('chaos-ct', 'wasm')).toBeUndefined();
    expect(new PassSpeeds().of('chaos-ct')).toBeUndefined();
  });

  it('keeps the latest run per model and backend, and the backend each model ran on last', () => {
    const speeds = new PassSpeeds();
    speeds.record('chaos-ct', 'wasm', 100, 25_000);
    speeds.record('chaos-ct', 'webgpu', 100, 4_000);
    speeds.record('chaos-mr', 'wasm', 10, 5_000);
    expect(speeds.of('chaos-ct', 'wasm')).toEqual({ msPerPass: 250, backend: 'wasm' });
    expect(speeds.of('chaos-ct')).toEqual({ msPerPass: 40, backend: 'webgpu' });
    speeds.record('chaos-ct', 'wasm', 200, 40_000);
    expect(speeds.of('chaos-ct')).toEqual({ msPerPass: 200, backend: 'wasm' });
    expect(speeds.of('chaos-mr', 'webgpu')).toBeUndefined();
  });

  it('survives a reload through its storage', () => {
    const storage = memoryStorage();
    new PassSpeeds(storage).record('chaos-ct', 'wasm', 4, 1_000);
    expect(new PassSpeeds(storage).of('chaos-ct')).toEqual({ msPerPass: 250, backend: 'wasm' });
  });

  it('ignores a run without passes and unreadable or refused storage', () => {
    const storage = memoryStorage();
    storage.items.set(PASS_SPEEDS_KEY, '{not json');
    const speeds = new PassSpeeds(storage);
    speeds.record('chaos-ct', 'wasm', 0, 10);
    expect(speeds.of('chaos-ct')).toBeUndefined();
    const full = new PassSpeeds({
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    });
    full.record('chaos-ct', 'wasm', 2, 100);
    expect(full.of('chaos-ct')).toEqual({ msPerPass: 50, backend: 'wasm' });
  });
});
