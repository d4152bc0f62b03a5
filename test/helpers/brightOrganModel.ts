import { Predictor, SegmentationModel } from '../../extension/src/engine/model/SegmentationModel';
import { Volume } from '../../extension/src/engine/volume/Volume';

/**
 * A deterministic, batch-independent 2-D model in JavaScript: the organ where a voxel is bright,
 * helped by the image mean. `sent` counts the images it has been given.
 */
export function brightOrganModel(): SegmentationModel & { sent: number } {
  const model = {
    sent: 0,
    classNames: ['background', 'organ'],
    dimensionality: 2 as const,
    bind: async (reference: Volume): Promise<Predictor> => {
      const size = reference.data.length;
      return {
        classNames: model.classNames,
        outputSize: size,
        predict: async (images, count) => {
          model.sent += count;
          const out = new Float32Array(count * 2 * size);
          for (let n = 0; n < count; n++) {
            const image = images.subarray(n * size, (n + 1) * size);
            const mean = image.reduce((sum, x) => sum + x, 0) / size;
            image.forEach((x, v) => {
              const organ = 1 / (1 + Math.exp(-(6 * (x - 0.6) + 4 * (mean - 0.3))));
              out[n * 2 * size + v] = 1 - organ;
              out[n * 2 * size + size + v] = organ;
            });
          }
          return out;
        },
        toImageGrid: (probabilities) => probabilities,
      };
    },
  };
  return model;
}
