import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { ModelCache } from '../../extension/src/runtime/ModelCache';
import { fixture, plantedSlice } from '../helpers/plantedImage';

class FakeModel {
  disposed = 0;
  constructor(readonly name: string) {}
  async dispose() {
    this.disposed += 1;
  }
}

describe('ModelCache: loaded models stay within capacity and are released once', () => {
  it('reuses a loaded model and evicts the least recently used beyond capacity', async () => {
    const cache = new ModelCache<FakeModel>(2);
    const loads: string[] = [];
    const load = (name: string) => async () => {
      loads.push(name);
      return new FakeModel(name);
    };
    const ct = await cache.with('ct', load('ct'), async (m) => m);
    await cache.with('mr', load('mr'), async (m) => m);
    await cache.with('ct', load('ct'), async (m) => m); // ct used last: mr is now the oldest
    const third = await cache.with('ct-3d', load('ct-3d'), async (m) => m);
    expect(loads).toEqual(['ct', 'mr', 'ct-3d']);
    expect(cache.keys()).toEqual(['ct', 'ct-3d']);
    expect(ct.disposed).toBe(0);
    expect(third.disposed).toBe(0);
  });

  it('releases an evicted model only after the run using it ends', async () => {
    const cache = new ModelCache<FakeModel>(1);
    let finishRun!: () => void;
    const running = new Promise<void>((resolve) => (finishRun = resolve));
    const first = new FakeModel('first');
    const run = cache.with(
      'first',
      async () => first,
      () => running,
    );
    await cache.with(
      'second',
      async () => new FakeModel('second'),
      async () => undefined,
    );
    expect(cache.keys()).toEqual(['second']);
    expect(first.disposed).toBe(0); // still running
    finishRun();
    await run;
    expect(first.disposed).toBe(1);
  });

  it('forgets a failed load so that the next request loads again', async () => {
    const cache = new ModelCache<FakeModel>(2);
    await expect(
      cache.with(
        'bad',
        () => Promise.reject(new Error('HTTP 404')),
        async () => undefined,
      ),
    ).rejects.toThrow('HTTP 404');
    expect(cache.keys()).toEqual([]);
    const model = await cache.with(
      'bad',
      async () => new FakeModel('fixed'),
      async (m) => m,
    );
    expect(model.name).toBe('fixed');
  });
});

describe('LoadedModel.dispose releases every ONNX Runtime session', () => {
  it('releases the segmenter and the CLIP encoders; the model refuses to run afterwards', async () => {
    const loaded = await loadModelFile(fixture('planted2d.manifest.json'));
    const predictor = await loaded.segmenter.bind(plantedSlice());
    const prompts = { target: 'liver', others: ['background'] };
    await predictor.predict(plantedSlice().data, 1);
    await loaded.clip!.similarity(plantedSlice(), prompts);
    await loaded.dispose();
    await expect(predictor.predict(plantedSlice().data, 1)).rejects.toThrow();
    await expect(loaded.clip!.similarity(plantedSlice(), prompts)).rejects.toThrow();
  });
});
