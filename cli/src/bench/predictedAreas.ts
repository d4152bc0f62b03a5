import { asFloat32, predictedMask, SegmentationModel, sliceOf, Volume } from '@xai-clip/engine';

/**
 * Each slice's predicted area of every class (output voxels where the class wins), from one
 * unperturbed pass per slice: what the benchmark picks slices by, so the ground truth the maps are
 * scored against plays no part in choosing them. `[slice index in slices][class]`.
 */
export async function predictedAreas(
  model: SegmentationModel,
  volume: Volume,
  slices: number[],
): Promise<number[][]> {
  const areas: number[][] = [];
  for (const k of slices) {
    const image = asFloat32(sliceOf(volume, k));
    const predictor = await model.bind(image);
    const probabilities = await predictor.predict(image.data, 1);
    const classes = predictor.classNames.length;
    areas.push(
      Array.from({ length: classes }, (_, c) =>
        predictedMask(probabilities, classes, predictor.outputSize, c).reduce((sum, m) => sum + m, 0),
      ),
    );
  }
  return areas;
}
