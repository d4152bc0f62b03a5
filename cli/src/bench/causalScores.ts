import { sliceOf } from '@xai-clip/engine';
import { FAITHFULNESS_ORGAN_MULTIPLE, ImageFaithfulness, runFaithfulness } from '@xai-clip/runtime';
import { BenchSlice } from './benchSlice';

/**
 * Deletion/insertion of a slice's map scaled to the organ, as the viewer's faithfulness panel
 * measures it (runFaithfulness): the slice's voxels in the map's order, removed (into the fill)
 * and restored (into a blur) in settings.deletionSteps steps up to FAITHFULNESS_ORGAN_MULTIPLE ×
 * the predicted organ's voxels. Every map of a slice orders all of its voxels (the ROI maps'
 * zeros outside in a seeded random order), so full, ROI and sanity maps share one curve.
 * `randomBaseline` adds the panel's seeded random order (20 mm patches).
 */
export async function causalScores(
  at: BenchSlice,
  map: Float32Array,
  randomBaseline = false,
): Promise<ImageFaithfulness> {
  const { settings } = at;
  const image = sliceOf(at.data.volume, at.slice);
  const [nx, ny] = image.dimensions;
  const report = await runFaithfulness(
    at.model.loaded,
    image,
    {
      request: {
        organ: at.organ.organ,
        method: 'occlusion',
        roi: 'none',
        scope: 'slice',
        slice: 0,
        fill: settings.fill,
        target: settings.target,
        seed: settings.seed,
      },
      saliency: map,
      report: {
        slices: [0],
        roiBoxes: [{ slice: 0, box: { min: [0, 0, 0], max: [nx, ny, 1] } }],
        batch: { size: settings.batchSize },
      },
    },
    { randomBaseline, steps: settings.deletionSteps, organMultiple: FAITHFULNESS_ORGAN_MULTIPLE },
  );
  return report.images[0];
}
