import { loadModelFile } from '../../../cli/src/io/loadModelFile';
import { explainVolume } from '../../../extension/src/engine/explain/explainVolume';
import { overlap } from '../../../extension/src/engine/metrics/overlap';
import { binarize } from '../../../extension/src/engine/util/binarize';
import { runExplanation } from '../../../extension/src/runtime/runExplanation';
import { fixture, plantedMask, plantedSlice } from '../../helpers/plantedImage';

describe('coarse-to-fine occlusion', () => {
  const image = plantedSlice();
  const truth = plantedMask();
  const topGt = (saliency: Float32Array) =>
    binarize(
      saliency.map((value) => Math.max(0, value)),
      { kind: 'topCount', count: truth.reduce((sum, m) => sum + m, 0) },
    );

  it('agrees with plain occlusion (top-|GT| IoU ≥ 0.7) with fewer passes', async () => {
    const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
    const common = { classIndex: 1, scope: 'slice' as const, slice: 0, fill: 0, batchSize: 16 };
    const plain = await explainVolume(image, segmenter, {
      ...common,
      method: 'occlusion',
      methodOptions: { windowMm: 4, strideMm: 2 },
    });
    const progress: number[] = [];
    const refined = await explainVolume(image, segmenter, {
      ...common,
      method: 'occlusion',
      methodOptions: { windowMm: 4, strideMm: 2 },
      refine: {},
      onProgress: (p) => progress.push(p.done),
    });
    const agreement = overlap(topGt(plain.saliency.data), topGt(refined.saliency.data));
    expect(agreement.iou).toBeGreaterThanOrEqual(0.7);
    expect(refined.passes).toBeLessThan(plain.passes);
    const report = refined.refinement!;
    expect(report.plainPerturbations).toBe(plain.passes - 1);
    expect(report.refinedPerturbations).toBeLessThan(report.plainPerturbations);
    expect(refined.passes).toBe(report.firstRoundPasses + report.secondRoundPasses);
    expect(report.secondRoundPasses).toBe(1 + report.refinedPerturbations);
    // One progress total over both rounds: it ends exactly at the passes run.
    expect(progress[progress.length - 1]).toBe(refined.passes);
    // Both maps find S: their top-|GT| voxels lie in it.
    expect(overlap(topGt(refined.saliency.data), truth).iou).toBeGreaterThanOrEqual(0.7);
  });

  it('is zero outside the ROI and honours refineFraction 0 (every fine window)', async () => {
    const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
    const roi = { source: 'mask' as const, box: { min: [20, 10, 0], max: [44, 36, 1] } as never };
    const all = await explainVolume(image, segmenter, {
      classIndex: 1,
      method: 'occlusion',
      scope: 'slice',
      slice: 0,
      fill: 0,
      roi,
      methodOptions: { windowMm: 4 },
      refine: { refineFraction: 0 },
    });
    expect(all.refinement!.refinedPerturbations).toBe(all.refinement!.plainPerturbations);
    for (let v = 0; v < 64 * 64; v++) {
      const [i, j] = [v % 64, Math.floor(v / 64)];
      if (i < 20 || i >= 44 || j < 10 || j >= 36) expect(all.saliency.data[v]).toBe(0);
    }
  });

  it('ranks the outside of the ROI with the same tiles and values as plain occlusion', async () => {
    const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
    // An ROI beside S: the tiles over S carry its drop.
    const roi = { source: 'mask' as const, box: { min: [0, 0, 0], max: [20, 64, 1] } as never };
    const common = { classIndex: 1, scope: 'slice' as const, slice: 0, fill: 0, roi };
    const plain = await explainVolume(image, segmenter, {
      ...common,
      method: 'occlusion',
      methodOptions: { windowMm: 4, strideMm: 2 },
    });
    const refined = await explainVolume(image, segmenter, {
      ...common,
      method: 'occlusion',
      methodOptions: { windowMm: 4, strideMm: 2 },
      refine: {},
    });
    let outside = 0;
    for (let v = 0; v < 64 * 64; v++) {
      if (v % 64 < 20) continue;
      expect(refined.saliency.data[v]).toBeCloseTo(plain.saliency.data[v], 4);
      if (plain.saliency.data[v] > 0) outside++;
    }
    expect(outside).toBeGreaterThanOrEqual(16 * 16);
  });

  it('runs from an explain request (CLI and viewer) with the CLIP ROI', async () => {
    const loaded = await loadModelFile(fixture('planted2d.manifest.json'));
    const request = {
      organ: 'liver',
      method: 'occlusion' as const,
      roi: 'clip' as const,
      scope: 'slice' as const,
      slice: 0,
      windowMm: 4,
      strideMm: 2,
      fill: 0,
    };
    const plain = await runExplanation(loaded, image, request);
    const refined = await runExplanation(loaded, image, { ...request, coarseToFine: { factor: 2 } });
    expect(refined.roi).toEqual(plain.roi);
    expect(refined.result.refinement).toMatchObject({
      id: 'coarseToFine',
      settings: { factor: 2, refineFraction: 0.5 },
      firstRound: { windowMm: 8, strideMm: 4 },
    });
    expect(refined.result.passes).toBeLessThan(plain.result.passes);
    expect(
      overlap(topGt(plain.result.saliency.data), topGt(refined.result.saliency.data)).iou,
    ).toBeGreaterThanOrEqual(0.7);
  });
});

describe('refinements in the method registry', () => {
  it('refuses a refinement for a method that has none, naming the one that does', async () => {
    const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
    await expect(
      explainVolume(plantedSlice(), segmenter, {
        classIndex: 1,
        method: 'rise',
        scope: 'slice',
        slice: 0,
        refine: {},
      }),
    ).rejects.toThrow('RISE has no refinement; coarse-to-fine is occlusion');
  });

  it('refuses settings out of range before any pass runs', async () => {
    const { segmenter } = await loadModelFile(fixture('planted2d.manifest.json'));
    const run = (refine: object) =>
      explainVolume(plantedSlice(), segmenter, {
        classIndex: 1,
        method: 'occlusion',
        scope: 'slice',
        slice: 0,
        refine,
      });
    await expect(run({ factor: 0.5 })).rejects.toThrow('coarseFactor must be ≥ 1, got 0.5.');
    await expect(run({ refineFraction: 2 })).rejects.toThrow('refineFraction must be in [0, 1], got 2.');
  });
});
