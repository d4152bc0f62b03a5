import { withModelFile } from '@xai-clip/io';
import { createVolume } from '@xai-clip/engine';
import { formatBytes, planBatch, REQUEST_DEFAULTS } from '@xai-clip/runtime';
import { emit } from './emit';
import { memoryBudgetOf } from './memoryBudgetOf';

/**
 * `xai-clip models validate`: checks a manifest and its files, then runs a dry inference of
 * the segmenter (and the CLIP localiser) on a synthetic image of the model's input size; says
 * the orientation the network expects and the batch size an explanation would use under the
 * memory budget (for a dynamic-size model, on that synthetic image's grid).
 */
export async function validateModel(
  manifest: string,
  options: { json?: boolean; backend?: 'node' | 'web'; memoryBudget?: number },
): Promise<void> {
  await withModelFile(manifest, options.backend, async (loaded) => {
    const { segmenter: entry } = loaded.manifest;
    const fixed = entry.size.mode === 'fixed' ? entry.size.shape : null;
    const dims: [number, number, number] = fixed
      ? [fixed[fixed.length - 1], fixed[fixed.length - 2], fixed.length === 3 ? fixed[0] : 1]
      : [64, 64, entry.layout === 'NCDHW' ? 32 : 1];
    const count = dims[0] * dims[1] * dims[2];
    // A smooth ramp: varied enough for percentile and z-score channels to be well defined.
    const image = createVolume(
      Float32Array.from({ length: count }, (_, v) => (v % 97) * 10 - 200),
      dims,
    );
    // Before the dry run: a model that cannot fit even one image fails here, saying why.
    const batch = planBatch(loaded.segmenter, image, REQUEST_DEFAULTS.batchSize, memoryBudgetOf(options));
    const predictor = await loaded.segmenter.bind(image);
    const output = await predictor.predict(image.data, 1);
    if (output.some((value) => !Number.isFinite(value)))
      throw new Error('The dry inference produced NaN or infinite outputs.');
    let clipClasses: string[] | undefined;
    if (loaded.clip) {
      const slice = createVolume(image.data.subarray(0, dims[0] * dims[1]), [dims[0], dims[1], 1]);
      const [target, ...others] = loaded.clip.classes;
      await loaded.clip.similarity(slice, { target, others });
      clipClasses = loaded.clip.classes;
    }
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
      memoryPerItemBytes: batch.item.totalBytes,
      memoryBudgetBytes: batch.budgetBytes,
      clipClasses,
    };
    emit(
      options.json,
      result,
      `${manifest}: valid (${entry.layout}, orientation ${result.orientation}, array convention ${result.arrayConvention}, classes ${entry.classes.join(', ')}` +
        `${clipClasses ? `; CLIP prompts for ${clipClasses.join(', ')}, orientation ${result.clipOrientation}, array convention ${result.clipArrayConvention}` : ''}; ran on ${loaded.backend}).\n` +
        `batch size: ${batch.batchSize}${batch.note ? ` (lowered from ${batch.asked})` : ''}, about ${formatBytes(batch.item.totalBytes)} per image ` +
        `on a ${dims.join('×')} image, memory budget ${formatBytes(batch.budgetBytes!)}`,
    );
  });
}
