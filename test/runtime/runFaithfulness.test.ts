import { ExplanationCancelledError } from '../../extension/src/engine/evaluate/ProgressTracker';
import { faithfulnessPasses } from '../../extension/src/runtime/faithfulness/faithfulnessPasses';
import { runFaithfulness } from '../../extension/src/runtime/faithfulness/runFaithfulness';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { reportOf } from '../../extension/src/runtime/reportOf';
import { ExplainRequest, runExplanation } from '../../extension/src/runtime/runExplanation';
import { planted2dWithoutClip } from '../helpers/planted2dWithoutClip';
import { fixture, plantedMask, plantedSlice } from '../helpers/plantedImage';
import { islandsSlice, inB, maskOf } from '../helpers/islandsImage';
import { loadModelFile } from '../../cli/src/io/loadModelFile';

describe('runFaithfulness (planted2d, ONNX)', () => {
  let loaded: LoadedModel;
  let release: () => Promise<void>;
  beforeAll(async () => ({ loaded, release } = await planted2dWithoutClip()));
  afterAll(() => release());

  const request: ExplainRequest = {
    organ: 'organ',
    method: 'occlusion',
    roi: 'mask',
    marginMm: 12,
    scope: 'slice',
    slice: 0,
    windowMm: 8,
    strideMm: 4,
    batchSize: 8,
  };

  async function explained() {
    const explanation = await runExplanation(loaded, plantedSlice(), request);
    return {
      request,
      saliency: explanation.result.saliency.data,
      roiMask: explanation.roi?.mask,
      report: reportOf(explanation, loaded, [64, 64, 1]),
    };
  }

  it('ranks the occlusion map above a random order of the ROI, points into the organ, counts its passes', async () => {
    const input = await explained();
    const progress: number[] = [];
    const figures = await runFaithfulness(
      loaded,
      plantedSlice(),
      input,
      { randomBaseline: true, steps: 10 },
      { onProgress: (p) => progress.push(p.done) },
    );
    const [image] = figures.images;
    // planted2d labels the whole slice "organ" (its score is S's evidence): 3× that is all of the ROI.
    expect(image.targetVoxels).toBe(64 * 64);
    expect(image.orderedVoxels).toBe(input.report.roi.voxels);
    expect(image.orderedVoxels).toBeGreaterThan(plantedMask().reduce((sum, m) => sum + m, 0));
    expect(image.removedVoxels).toBe(image.orderedVoxels);
    expect(figures.deletionAuc).toBeLessThan(figures.random!.deletionAuc - 0.1);
    // The blurred slice keeps most of planted2d's score: insertion separates the orders less.
    expect(figures.insertionAuc).toBeGreaterThan(figures.random!.insertionAuc);
    expect(figures.pointingGame).toEqual({ hits: 1, images: 1 });
    expect(figures.randomPatchMm).toBe(20);
    expect(figures.passes).toBe(faithfulnessPasses(1, { randomBaseline: true, steps: 10 }));
    expect(figures.passes).toBe(1 + 2 * 2 * 11);
    expect(progress[progress.length - 1]).toBe(figures.passes);
  });

  it('ends the curves at organMultiple × the organ when the ROI is larger', async () => {
    const figures = await runFaithfulness(loaded, plantedSlice(), await explained(), {
      randomBaseline: false,
      steps: 4,
      organMultiple: 0.05,
    });
    expect(figures.images[0].removedVoxels).toBe(Math.round(0.05 * 64 * 64));
    expect(figures.random).toBeUndefined();
    expect(figures.passes).toBe(1 + 2 * 5);
  });

  it('is cancelled by its signal', async () => {
    const input = await explained();
    const controller = new AbortController();
    const running = runFaithfulness(
      loaded,
      plantedSlice(),
      input,
      { randomBaseline: false },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(running).rejects.toBeInstanceOf(ExplanationCancelledError);
  });
});

describe('runFaithfulness of a target region (islands2d, ONNX)', () => {
  let islands: LoadedModel;
  beforeAll(async () => {
    islands = await loadModelFile(fixture('islands2d.manifest.json'));
  });
  afterAll(() => islands.dispose());

  it('scores the region the run explained: its voxels set the curves’ length and the pointing game', async () => {
    const request: ExplainRequest = {
      organ: 'organ',
      method: 'occlusion',
      windowMm: 8,
      strideMm: 8,
      outsideTileFactor: 0,
      roi: 'mask',
      marginMm: 4,
      scope: 'slice',
      slice: 0,
      fill: 0,
      batchSize: 16,
      targetRegion: { component: 2 },
    };
    const explanation = await runExplanation(islands, islandsSlice(), request);
    const input = {
      request,
      saliency: explanation.result.saliency.data,
      roiMask: explanation.roi?.mask,
      report: reportOf(explanation, islands, [64, 64, 1]),
    };
    const region = await runFaithfulness(islands, islandsSlice(), input, { randomBaseline: false, steps: 4 });
    // Island B (192 pixels) is the target, not the whole predicted organ (A and B, 448).
    expect(region.images[0].targetVoxels).toBe(maskOf(inB).reduce((sum, m) => sum + m, 0));
    expect(region.images[0].removedVoxels).toBe(Math.min(region.images[0].orderedVoxels, 3 * 192));
    expect(region.pointingGame).toEqual({ hits: 1, images: 1 });
    // B's map removes B first: its score falls at once.
    expect(region.deletionAuc).toBeLessThan(0.5);
  });
});
