import { segmentVolume } from '@xai-clip/engine';
import { planBatch } from '@xai-clip/runtime';
import { readVolume, writeNifti, withModelFile } from '@xai-clip/io';
import { checkFreeSpace } from '../outputs/checkFreeSpace';
import { checkOutputPath } from '../outputs/checkOutputPath';
import { CommonOptions } from './CommonOptions';
import { emit } from './emit';
import { memoryBudgetOf } from './memoryBudgetOf';
import { withFiniteOutputs } from './withFiniteOutputs';

/** `xai-clip segment`: the model's label map (class index per voxel) as NIfTI on the input's grid. */
export async function segment(options: CommonOptions & { out: string }): Promise<void> {
  const started = Date.now();
  checkOutputPath('--out', options.out, 'file');
  await withModelFile(options.model, options.backend, async (loaded) => {
    const volume = await readVolume(options.input, { allowIrregularSpacing: options.allowIrregularSpacing });
    // One image per model call: fails clearly, before running, when even that does not fit.
    planBatch(loaded.segmenter, volume, 1, memoryBudgetOf(options));
    checkFreeSpace('--out', options.out, volume.data.length); // a byte per voxel, uncompressed
    const labels = await segmentVolume(volume, withFiniteOutputs(loaded, options.model).segmenter);
    writeNifti(options.out, labels, {
      description: `xai-clip segment ${loaded.manifest.name}`,
      intent: 'label',
    });
    const counts = loaded.manifest.segmenter.classes.map((name, c) => ({
      name,
      voxels: labels.data.reduce((n, value) => n + (value === c ? 1 : 0), 0),
    }));
    emit(
      options.json,
      {
        out: options.out,
        model: loaded.manifest.name,
        backend: loaded.backend,
        classes: counts,
        wallMs: Date.now() - started,
      },
      `Wrote ${options.out}: ${counts
        .slice(1)
        .map((c) => `${c.name} ${c.voxels} voxels`)
        .join(', ')} (${loaded.backend}, ${Date.now() - started} ms).`,
    );
  });
}
