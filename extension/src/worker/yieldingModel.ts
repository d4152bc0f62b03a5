import { ExplanationCancelledError } from '../engine/evaluate/ProgressTracker';
import { Predictor, SegmentationModel, SimilarityModel } from '../engine/model/SegmentationModel';
import { LoadedModel } from '../runtime/loadModel';

/** Lets queued messages (a Cancel) run: awaits a macrotask, which promise callbacks never are. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The loaded model with every model call preceded by a pause for the worker's message queue,
 * a wait until the viewer is left alone (`viewerQuiet`, e.g. ViewerActivity.quiet) and a
 * cancellation check. WASM inference runs synchronously inside the worker, so without this a
 * Cancel message would only be read when the whole explanation had finished.
 */
export function yieldingModel(
  loaded: LoadedModel,
  signal: AbortSignal,
  viewerQuiet: () => Promise<void> = async () => undefined,
): LoadedModel {
  const checkpoint = async () => {
    await nextTask();
    if (signal.aborted) throw new ExplanationCancelledError();
    await viewerQuiet();
    if (signal.aborted) throw new ExplanationCancelledError();
  };
  // The rest of a segmenter (memory estimate, network input, dispose) is its own, through the prototype.
  const yielding = <S extends SegmentationModel>(segmenter: S): S => {
    const yieldingBind: Pick<SegmentationModel, 'bind'> = {
      bind: async (reference) => {
        const predictor = await segmenter.bind(reference);
        const yieldingPredictor: Predictor = {
          classNames: predictor.classNames,
          outputSize: predictor.outputSize,
          toImageGrid: (probabilities) => predictor.toImageGrid(probabilities),
          outputRegion: predictor.outputRegion && ((imageBox) => predictor.outputRegion!(imageBox)),
          outputMask: predictor.outputMask && ((imageMask) => predictor.outputMask!(imageMask)),
          predict: async (images, count) => {
            await checkpoint();
            return predictor.predict(images, count);
          },
        };
        return yieldingPredictor;
      },
    };
    return Object.assign(Object.create(segmenter), yieldingBind) as S;
  };
  const clip = loaded.clip;
  const yieldingClip: SimilarityModel | undefined = clip && {
    similarity: async (slice, prompts) => {
      await checkpoint();
      return clip.similarity(slice, prompts);
    },
  };
  return {
    ...loaded,
    segmenter: yielding(loaded.segmenter),
    // The sanity checks' randomised copies yield as the model does.
    openSegmenter: async (model, label) => yielding(await loaded.openSegmenter(model, label)),
    clip: yieldingClip && (Object.assign(Object.create(clip!), yieldingClip) as LoadedModel['clip']),
  };
}
