import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { ExplanationCancelledError } from '../../extension/src/engine/evaluate/ProgressTracker';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { yieldingModel } from '../../extension/src/worker/yieldingModel';
import { fixture } from '../helpers/plantedImage';

const volume = () =>
  createVolume(
    Float32Array.from({ length: 32 * 32 * 16 }, (_, v) => (v % 89) * 5 - 100),
    [32, 32, 16],
  );

describe("the worker's yielding model", () => {
  it('keeps the rest of the segmenter (memory estimate, network input): the worker explains under a budget', async () => {
    const loaded = await loadModelFile(fixture('planted3d_2ch.manifest.json'));
    try {
      const model = yieldingModel(loaded, new AbortController().signal);
      expect(model.segmenter.itemMemory(volume())).toEqual(loaded.segmenter.itemMemory(volume()));
      expect(model.segmenter.networkInput(volume())).toEqual(loaded.segmenter.networkInput(volume()));
      const explanation = await runExplanation(
        model,
        volume(),
        { organ: 'liver', method: 'occlusion', roi: 'none', scope: 'volume', batchSize: 4 },
        { memoryBudgetBytes: 2.5 * loaded.segmenter.itemMemory(volume()).totalBytes },
      );
      expect(explanation.batch.batchSize).toBe(2);
      expect(explanation.result.passes).toBeGreaterThan(1);
    } finally {
      await loaded.dispose();
    }
  });

  it('stops at the next model call once cancelled', async () => {
    const loaded = await loadModelFile(fixture('planted3d_2ch.manifest.json'));
    try {
      const controller = new AbortController();
      const predictor = await yieldingModel(loaded, controller.signal).segmenter.bind(volume());
      controller.abort();
      await expect(predictor.predict(Float32Array.from(volume().data), 1)).rejects.toThrow(
        ExplanationCancelledError,
      );
    } finally {
      await loaded.dispose();
    }
  });
});
