import { Predictor, SegmentationModel } from '../model/SegmentationModel';

/**
 * `model` with its input cut off: bound to an image, it predicts that image once and returns the
 * same probabilities for every image after, whatever the perturbation. No input can matter to it,
 * so a sound explanation of it is 0 everywhere (the input-independence self-test). Its output grid
 * and mapping are the model's. It says no perturbation changes its input (`changesInput`), so the
 * engine scores each one at the baseline without a pass: the method's map is built from those
 * scores as from any, at the cost of the one unperturbed pass per image.
 */
export function constantOrganModel(model: SegmentationModel): SegmentationModel {
  return {
    classNames: model.classNames,
    dimensionality: model.dimensionality,
    bind: async (reference) => {
      const inner = await model.bind(reference);
      const fixed = await inner.predict(Float32Array.from(reference.data), 1);
      const predictor: Predictor = {
        classNames: inner.classNames,
        outputSize: inner.outputSize,
        predict: async (_, count) => {
          const out = new Float32Array(count * fixed.length);
          for (let n = 0; n < count; n++) out.set(fixed, n * fixed.length);
          return out;
        },
        toImageGrid: (probabilities) => inner.toImageGrid(probabilities),
        changesInput: () => false,
        ...(inner.outputRegion ? { outputRegion: (box) => inner.outputRegion!(box) } : {}),
      };
      return predictor;
    },
  };
}
