import { SegmentationModel } from '@xai-clip/engine';
import { LoadedModel, parameterLayers, randomiseLayers } from '@xai-clip/runtime';

/**
 * The model's segmenter with every layer's parameters randomised (the last step of the cascading
 * randomisation, see runSanityChecks), on the model's backend; null when it has no layer of float
 * weights (nothing to randomise). The caller disposes it.
 */
export async function randomisedSegmenter(
  loaded: LoadedModel,
  seed: number,
): Promise<(SegmentationModel & { dispose(): Promise<void> }) | null> {
  const bytes = await loaded.readSegmenter();
  const layers = parameterLayers(bytes);
  if (layers.length === 0) return null;
  return loaded.openSegmenter(
    randomiseLayers(bytes, layers, seed),
    `the segmenter ${loaded.manifest.segmenter.file} with all ${layers.length} layers randomised`,
  );
}
