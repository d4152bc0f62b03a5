import { Predictor, Volume } from '@xai-clip/engine';
import { LoadedModel } from '@xai-clip/runtime';
import { checkFiniteOutputs } from './checkFiniteOutputs';

/**
 * `loaded` with its segmenter's every prediction checked for NaN and infinite values, as
 * `models validate` checks its dry inference: otherwise a broken model reads as "predicts no organ"
 * and the explanation exits 0 with a map of zeros. The scan is small beside the inference.
 */
export function withFiniteOutputs(loaded: LoadedModel, manifest: string): LoadedModel {
  const segmenter = Object.create(loaded.segmenter) as LoadedModel['segmenter'];
  segmenter.bind = async (image: Volume): Promise<Predictor> => {
    const predictor = await loaded.segmenter.bind(image);
    const checked = Object.create(predictor) as Predictor;
    checked.predict = async (images, count) => {
      const output = await predictor.predict(images, count);
      checkFiniteOutputs(output, "The segmenter's output", manifest);
      return output;
    };
    return checked;
  };
  return { ...loaded, segmenter };
}
