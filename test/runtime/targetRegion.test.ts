import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { organComponents } from '../../extension/src/runtime/organComponents';
import { reportOf } from '../../extension/src/runtime/reportOf';
import { ExplainRequest, runExplanation } from '../../extension/src/runtime/runExplanation';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { islandsSlice, maskOf } from '../helpers/islandsImage';
import { fixture } from '../helpers/plantedImage';

const occlusion = (extra: Partial<ExplainRequest>): ExplainRequest => ({
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
  ...extra,
});

describe('explaining a target region through the runtime', () => {
  let islands: LoadedModel;
  beforeAll(async () => {
    islands = await loadModelFile(fixture('islands2d.manifest.json'));
  });

  it("lists the prediction's components largest first: the pick list", async () => {
    const components = await organComponents(islands, islandsSlice(), 'organ', { scope: 'slice', slice: 0 });
    expect(
      components.map(({ index, voxels, ml, box, centroid }) => ({ index, voxels, ml, box, centroid })),
    ).toEqual([
      {
        index: 1,
        voxels: 256,
        ml: 0.256,
        box: { min: [8, 8, 0], max: [24, 24, 1] },
        centroid: [15.5, 15.5, 0],
      },
      {
        index: 2,
        voxels: 192,
        ml: 0.192,
        box: { min: [36, 40, 0], max: [52, 52, 1] },
        centroid: [43.5, 45.5, 0],
      },
    ]);
    await expect(
      organComponents(islands, islandsSlice(), 'organ', { scope: 'slice', slice: 3 }),
    ).rejects.toThrow('Scope "slice" needs a slice index between 0 and 0, got 3.');
  });

  it('reports the organ when no region is asked for', async () => {
    const explanation = await runExplanation(islands, islandsSlice(), occlusion({}));
    expect(explanation.explainedTarget).toEqual({ kind: 'organ' });
    const report = reportOf(explanation, islands, [64, 64, 1]);
    expect([report.explainedTarget, report.targetLabel]).toEqual([{ kind: 'organ' }, 'organ']);
    expect(explanation.request.targetRegion).toBeUndefined();
  });

  it('explains a drawn region outside the organ: the ROI grows to cover it, the report names it', async () => {
    // 8 × 8 pixels of background (columns 50–57, rows 4–11), where the model says -5 whatever the input.
    const blob = maskOf((i, j) => i >= 50 && i < 58 && j >= 4 && j < 12);
    const explanation = await runExplanation(
      islands,
      islandsSlice(),
      occlusion({ targetRegion: { mask: blob, label: 'blob' } }),
    );
    const { roi, result } = explanation;
    blob.forEach((m, v) => m && expect(roi!.mask![v]).toBe(1));
    // The organ's ROI stays: island A's centre.
    expect(roi!.mask![15 + 64 * 15]).toBe(1);
    expect(result.images[0].baselineScore).toBeCloseTo(64 / (1 + Math.exp(5)), 4);
    expect(Math.max(...result.saliency.data.map(Math.abs))).toBeLessThan(1e-6);
    expect(explanation.explainedTarget).toEqual({ kind: 'region', label: 'blob', voxels: 64, ml: 0.064 });
    const report = reportOf(explanation, islands, [64, 64, 1]);
    expect(report.targetLabel).toBe('organ in "blob" (0.064 mL)');
    expect(explanation.request.targetRegion).toEqual({ label: 'blob' });
  });

  it('with ROI none, perturbs the whole image', async () => {
    const explanation = await runExplanation(
      islands,
      islandsSlice(),
      occlusion({ roi: 'none', targetRegion: { component: 2 } }),
    );
    expect(explanation.roi).toBeUndefined();
    expect(explanation.targetLabel).toBe('organ component 2 of 2 (0.19 mL)');
  });

  it.each([
    [
      'a component beyond the last',
      { component: 3 },
      'The model predicts 2 organ components on slice 0; there is no component 3. Pick one of 1–2 (largest first).',
    ],
    [
      'a voxel off the prediction',
      { voxel: [30, 30, 0] },
      'The model predicts no organ at voxel (30, 30, 0) on slice 0: pick a voxel inside a predicted organ component (organComponents lists them), or give the region as a mask.',
    ],
    [
      'a voxel off the volume',
      { voxel: [30, 30, 1] },
      'Target voxel (30, 30, 1) lies outside the 64×64×1 volume.',
    ],
    [
      'component 0',
      { component: 0 },
      'Target component 0 is not a component number: give 1 for the largest predicted component, 2 for the next, …',
    ],
    [
      'a voxel with two indices',
      { voxel: [1, 2] },
      'Target voxel [1,2] is not a voxel: give its indices [i, j, k] on the volume grid.',
    ],
    [
      'a region off the grid',
      { mask: new Uint8Array(100), label: 'small' },
      'The target region "small" has 100 voxels but the volume 4096 (64×64×1): give it on the volume\'s grid.',
    ],
    [
      'an empty region',
      { mask: new Uint8Array(4096), label: 'empty' },
      'The target region "empty" has no voxel on slice 0: explain a slice it covers, or the slab.',
    ],
  ] as [string, ExplainRequest['targetRegion'], string][])(
    'refuses %s, saying what to do',
    async (_, targetRegion, message) => {
      await expect(runExplanation(islands, islandsSlice(), occlusion({ targetRegion }))).rejects.toThrow(
        message,
      );
    },
  );

  it('refuses a component where the model predicts no organ', async () => {
    const dark = islandsSlice();
    dark.data.fill(0);
    await expect(
      runExplanation(islands, dark, occlusion({ targetRegion: { component: 1 } })),
    ).rejects.toThrow(
      'The model predicts no organ on slice 0, so there is no component to explain: explain another slice, or give the region as a mask.',
    );
  });
});
