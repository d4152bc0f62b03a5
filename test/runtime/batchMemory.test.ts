import * as fs from 'fs';
import * as ortNode from 'onnxruntime-node';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { directionOf } from '../../extension/src/engine/volume/reorient';
import { SegmenterEntry } from '../../extension/src/runtime/manifest/ModelManifest';
import {
  ACTIVATION_BYTES_PER_VOXEL,
  estimateItemMemory,
} from '../../extension/src/runtime/memory/estimateItemMemory';
import { formatBytes } from '../../extension/src/runtime/memory/formatBytes';
import { planBatch } from '../../extension/src/runtime/memory/planBatch';
import { planBatchSize } from '../../extension/src/runtime/memory/planBatchSize';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';
import { OrtSegmentationModel } from '../../extension/src/runtime/OrtSegmentationModel';
import { runExplanation } from '../../extension/src/runtime/runExplanation';
import { fixture } from '../helpers/plantedImage';

// planted3d_2ch: 2 channels, 3 classes on a fixed 16×32×32 grid.
const PLANTED3D_VOXELS = 16 * 32 * 32;
const PLANTED3D_ITEM = (2 * 2 * 4 + 3 * 3 * 4 + ACTIVATION_BYTES_PER_VOXEL) * PLANTED3D_VOXELS;
const volume3d = () =>
  createVolume(
    Float32Array.from({ length: 32 * 32 * 16 }, (_, v) => (v % 89) * 5 - 100),
    [32, 32, 16],
  );

describe('memory per batch item', () => {
  it('counts input, output and activations; the issue’s [2, 96, 192, 192] input comes to ≈ 3.8 GB', () => {
    const voxels = 96 * 192 * 192;
    const item = estimateItemMemory({ channels: 2, classes: 2, voxels });
    expect(item.inputBytes).toBe(2 * 4 * 2 * voxels);
    expect(item.outputBytes).toBe(3 * 4 * 2 * voxels);
    expect(item.activationBytes).toBe(ACTIVATION_BYTES_PER_VOXEL * voxels);
    expect(item.totalBytes).toBe(item.inputBytes + item.outputBytes + item.activationBytes);
    expect(formatBytes(item.totalBytes)).toBe('3.8 GB');
  });

  it('of a 3-D model is its fixed grid, and of a 2-D model one slice of the volume', async () => {
    const planted3d = await loadModelFile(fixture('planted3d_2ch.manifest.json'));
    const planted2d = await loadModelFile(fixture('planted2d.manifest.json'));
    try {
      expect(planted3d.segmenter.itemMemory(volume3d()).totalBytes).toBe(PLANTED3D_ITEM);
      const slices = createVolume(new Float32Array(64 * 64 * 5), [64, 64, 5]);
      const plan = planBatch(planted2d.segmenter, slices, 8, 1e9);
      expect(plan.item.totalBytes).toBe((2 * 4 + 3 * 2 * 4 + ACTIVATION_BYTES_PER_VOXEL) * 64 * 64);
    } finally {
      await Promise.all([planted3d.dispose(), planted2d.dispose()]);
    }
  });

  it("takes the activations from the manifest's activationBytesPerVoxel, which changes the planned batch", async () => {
    const entry: SegmenterEntry = JSON.parse(
      fs.readFileSync(fixture('planted3d_2ch.manifest.json'), 'utf8'),
    ).segmenter;
    const session = await ortNode.InferenceSession.create(fs.readFileSync(fixture(entry.file)));
    const ort = ortNode as unknown as OrtModule;
    const measured = new OrtSegmentationModel(ort, session, { ...entry, activationBytesPerVoxel: 64 });
    const estimated = new OrtSegmentationModel(ort, session, entry);
    const item = measured.itemMemory(volume3d());
    expect(item).toMatchObject({ activationBytesPerVoxel: 64, activationSource: 'manifest' });
    expect(item.totalBytes).toBe((2 * 2 * 4 + 3 * 3 * 4 + 64) * PLANTED3D_VOXELS);
    expect(estimated.itemMemory(volume3d()).activationSource).toBe('default');
    // 44 MB holds two items at the default 1 KiB per voxel, twenty-three at 64 bytes.
    expect(planBatch(estimated, volume3d(), 8, 44e6).batchSize).toBe(2);
    const plan = planBatch(measured, volume3d(), 32, 44e6);
    expect(plan.batchSize).toBe(23);
    expect(plan.note).toMatch(
      /activations ≈ 1 MB at the manifest's activationBytesPerVoxel\), memory budget 44 MB\.$/,
    );
    await session.release();
  });

  it('sizes input and output as the run allocates them: resampled, reoriented and padded', async () => {
    const dynamic = JSON.parse(fs.readFileSync(fixture('dynamic2d.manifest.json'), 'utf8')).segmenter;
    const entry: SegmenterEntry = { ...dynamic, targetSpacingMm: [1.5, 0.75], orientation: 'RAS' };
    const session = await ortNode.InferenceSession.create(fs.readFileSync(fixture(entry.file)));
    const fed: number[] = [];
    const recording = new Proxy(session, {
      get: (target, key) =>
        key === 'run'
          ? async (feeds: Record<string, { size: number }>) => {
              const result = await target.run(feeds as never);
              fed.push(feeds[entry.inputName].size, result[entry.outputName].size);
              return result;
            }
          : Reflect.get(target, key),
    });
    const segmenter = new OrtSegmentationModel(ortNode as unknown as OrtModule, recording, entry);
    // Stored PLS, 30 × 20 at 1 × 2 mm: the network sees it RAS, 20 × 30 at 2 × 1 mm → 27 × 40 → 32 × 40.
    const image = createVolume(new Float32Array(30 * 20), [30, 20, 1], {
      spacing: [1, 2, 1],
      direction: directionOf('PLS'),
    });
    const item = segmenter.itemMemory(image);
    await (await segmenter.bind(image)).predict(image.data, 1);
    expect(fed[0]).toBe(32 * 40);
    expect(item.inputBytes).toBe(2 * 4 * fed[0]);
    expect(item.outputBytes).toBe(3 * 4 * fed[1]);
    await segmenter.dispose();
  });
});

describe('the batch size under a memory budget', () => {
  const item = estimateItemMemory({ channels: 2, classes: 2, voxels: 96 * 192 * 192 });

  it('stays as asked without a budget or when the batch fits', () => {
    expect(planBatchSize(item, 8, undefined)).toEqual({ asked: 8, batchSize: 8, item });
    const roomy = planBatchSize(item, 8, 40e9);
    expect(roomy).toMatchObject({ asked: 8, batchSize: 8, budgetBytes: 40e9 });
    expect(roomy.note).toBeUndefined();
  });

  it('is capped to what fits, and says so', () => {
    const plan = planBatchSize(item, 8, 7.6e9);
    expect(plan.batchSize).toBe(2);
    expect(plan.note).toBe(
      'Batch 8 → 2: about 3.8 GB per image (input 57 MB, output 85 MB, activations ≈ 3.6 GB estimated), memory budget 7.6 GB.',
    );
  });

  it('fails when not even one image fits, naming the estimate, the budget and what to do', () => {
    expect(() => planBatchSize(item, 8, 2e9)).toThrow(
      /needs about 3\.8 GB per image .* but the memory budget is 2\.0 GB, so not even one image fits\. Raise the memory budget \(CLI: --memory-budget\).*smaller input/,
    );
  });

  it('counts a fixed-batch network’s whole call as its smallest batch', () => {
    expect(planBatchSize(item, 8, 10e9, 2).batchSize).toBe(2);
    expect(() => planBatchSize(item, 8, 7e9, 2)).toThrow(/one call of 2 images \(the model's fixed batch\)/);
  });
});

describe('runExplanation under a memory budget', () => {
  const request = {
    organ: 'liver',
    method: 'rise',
    roi: 'none',
    scope: 'volume',
    samples: 8,
    batchSize: 8,
  } as const;

  it('runs smaller batches when the asked one does not fit, and notes it in the report', async () => {
    const loaded = await loadModelFile(fixture('planted3d_2ch.manifest.json'));
    try {
      const budget = 2.5 * PLANTED3D_ITEM;
      const capped = await runExplanation(loaded, volume3d(), request, { memoryBudgetBytes: budget });
      expect(capped.batch).toMatchObject({ asked: 8, batchSize: 2 });
      // The unperturbed pass, then 8 masks two at a time.
      expect(capped.result.calls).toBe(1 + 4);
      expect(capped.result.notes[0]).toMatch(/^Batch 8 → 2: about 18 MB per image .*memory budget 44 MB\.$/);
      const free = await runExplanation(loaded, volume3d(), request);
      expect(free.result.calls).toBe(1 + 1);
      expect(free.result.notes.some((note) => note.startsWith('Batch'))).toBe(false);
      expect(capped.result.saliency.data).toEqual(free.result.saliency.data);
    } finally {
      await loaded.dispose();
    }
  });

  it('fails before running anything when one image does not fit', async () => {
    const loaded = await loadModelFile(fixture('planted3d_2ch.manifest.json'));
    try {
      const bind = jest.spyOn(loaded.segmenter, 'bind');
      const onPhase = jest.fn();
      await expect(
        runExplanation(loaded, volume3d(), { ...request, roi: 'mask' }, { memoryBudgetBytes: 10e6, onPhase }),
      ).rejects.toThrow(/about 18 MB per image .* memory budget is 10 MB, so not even one image fits/);
      expect(bind).not.toHaveBeenCalled();
      expect(onPhase).not.toHaveBeenCalled();
    } finally {
      await loaded.dispose();
    }
  });
});
