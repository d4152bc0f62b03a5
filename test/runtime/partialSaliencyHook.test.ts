import { PartialSaliency } from '../../extension/src/engine/explain/PartialSaliencySchedule';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { ExplainRequest, runExplanation } from '../../extension/src/runtime/runExplanation';
import { planted2dWithoutClip } from '../helpers/planted2dWithoutClip';
import { plantedSlice } from '../helpers/plantedImage';

describe('runExplanation’s onPartialSaliency (planted2d, ONNX)', () => {
  let loaded: LoadedModel;
  let release: () => Promise<void>;
  beforeAll(async () => ({ loaded, release } = await planted2dWithoutClip()));
  afterAll(() => release());

  it.each(['occlusion', 'rise'] as const)(
    '%s: a running map after the first batch, the finished one last, and the same result as without',
    async (method) => {
      const request: ExplainRequest = {
        organ: 'organ',
        method,
        roi: 'none',
        scope: 'slice',
        slice: 0,
        windowMm: 8,
        samples: 24,
        batchSize: 4,
      };
      const plain = await runExplanation(loaded, plantedSlice(), request);
      const partials: PartialSaliency[] = [];
      const progressive = await runExplanation(loaded, plantedSlice(), request, {
        onPartialSaliency: (partial) => partials.push(partial),
      });
      expect(Array.from(progressive.result.saliency.data)).toEqual(Array.from(plain.result.saliency.data));
      expect(partials.map((p) => p.final)).toEqual([false, ...Array(partials.length - 2).fill(false), true]);
      expect(Array.from(partials[partials.length - 1].saliency)).toEqual(
        Array.from(plain.result.saliency.data),
      );
    },
  );
});
