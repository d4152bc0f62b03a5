import { withModelFile } from '@xai-clip/io';
import { createVolume } from '@xai-clip/engine';
import { formatBytes, LARGEST_AUTO_BATCH, planBatch } from '@xai-clip/runtime';
import { checkFiniteOutputs } from './checkFiniteOutputs';
import { dryRunImage } from './dryRunImage';
import { emit } from './emit';
import { measureItemMemory } from './measureItemMemory';
import { memoryBudgetOf } from './memoryBudgetOf';

/**
 * `xai-clip models validate`: checks a manifest and its files, then runs a dry inference of
 * the segmenter (and the CLIP localiser) on a synthetic image of the model's input size; says
 * the orientation the network expects and the batch size an explanation would use under the
 * memory budget (for a dynamic-size model, on that synthetic image's grid), with whether the
 * activation memory is the manifest's figure or the default estimate. `measureMemory`: also
 * measures the memory per image on that image (see measureItemMemory) and prints the manifest line.
 */
export async function validateModel(
  manifest: string,
  options: { json?: boolean; backend?: 'node' | 'web'; memoryBudget?: number; measureMemory?: boolean },
): Promise<void> {
  if (options.measureMemory && options.backend === 'web') {
    throw new Error(
      "--measure-memory reads the process's peak resident memory, which shows onnxruntime-node's native allocations; " +
        "onnxruntime-web's WebAssembly heap only grows and is not released, so it cannot tell what a batch item needs. " +
        'Measure with --backend node (the default); the manifest line it prints applies to the viewer too.',
    );
  }
  await withModelFile(manifest, options.backend, async (loaded) => {
    const { segmenter: entry } = loaded.manifest;
    const image = dryRunImage(entry);
    const dims = image.dimensions;
    // Before the dry run: a model that cannot fit even one image fails here, saying why.
    const budget = memoryBudgetOf(options);
    const batch = planBatch(loaded.segmenter, image, LARGEST_AUTO_BATCH, budget);
    const predictor = await loaded.segmenter.bind(image);
    const output = await predictor.predict(image.data, 1);
    checkFiniteOutputs(output, "The dry inference's output", manifest);
    let clipClasses: string[] | undefined;
    if (loaded.clip) {
      const slice = createVolume(image.data.subarray(0, dims[0] * dims[1]), [dims[0], dims[1], 1]);
      const [target, ...others] = loaded.clip.classes;
      await loaded.clip.similarity(slice, { target, others });
      clipClasses = loaded.clip.classes;
    }
    const measured = options.measureMemory
      ? await measureItemMemory(manifest, loaded.segmenter, image, budget)
      : undefined;
    const { item } = batch;
    const result = {
      valid: true,
      name: loaded.manifest.name,
      version: loaded.manifest.version,
      backend: loaded.backend,
      layout: entry.layout,
      orientation: entry.orientation ?? 'native',
      arrayConvention: entry.arrayConvention ?? 'itk',
      clipOrientation: loaded.manifest.clip && (loaded.manifest.clip.imageEncoder.orientation ?? 'native'),
      clipArrayConvention:
        loaded.manifest.clip && (loaded.manifest.clip.imageEncoder.arrayConvention ?? 'itk'),
      classes: entry.classes,
      dryRunGrid: dims,
      batchSize: batch.batchSize,
      memoryPerItemBytes: item.totalBytes,
      memoryBudgetBytes: batch.budgetBytes,
      activationBytesPerVoxel: item.activationBytesPerVoxel,
      activationSource: item.activationSource,
      memoryMeasurement: measured,
      clipClasses,
    };
    const activations =
      item.activationSource === 'manifest'
        ? `activations at the manifest's ${item.activationBytesPerVoxel} bytes per voxel`
        : `activations at the default estimate of ${item.activationBytesPerVoxel} bytes per voxel`;
    emit(
      options.json,
      result,
      `${manifest}: valid (${entry.layout}, orientation ${result.orientation}, array convention ${result.arrayConvention}, classes ${entry.classes.join(', ')}` +
        `${clipClasses ? `; CLIP prompts for ${clipClasses.join(', ')}, orientation ${result.clipOrientation}, array convention ${result.clipArrayConvention}` : ''}; ran on ${loaded.backend}).\n` +
        `batch size: ${batch.batchSize}${batch.note ? ` (lowered from ${batch.asked})` : ''}, about ${formatBytes(item.totalBytes)} per image ` +
        `on a ${dims.join('×')} image (${activations}), memory budget ${formatBytes(budget)}` +
        (measured
          ? `\nmeasured: ${formatBytes(measured.measuredPerItemBytes)} per image (peak memory rise from batch ${measured.batches.join(' to ')}, ` +
            `${measured.peakSource}), i.e. activations of ${measured.activationBytesPerVoxel} bytes per voxel; ` +
            `estimated: ${formatBytes(item.totalBytes)}\nadd to the manifest's segmenter: ${measured.manifestLine}`
          : ''),
    );
  });
}
