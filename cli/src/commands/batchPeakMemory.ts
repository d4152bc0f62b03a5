import { withModelFile } from '@xai-clip/io';
import { dryRunImage } from './dryRunImage';
import { trackPeakRss } from './trackPeakRss';

/**
 * The hidden `models batch-peak-memory` command, run by `models validate --measure-memory` in a
 * fresh process per batch size: binds the segmenter to the dry-run image, then runs a batch of
 * `batch` copies of it twice (the first run at a new batch size plans and grows ONNX Runtime's
 * arena, the second runs on it) and prints, as JSON, how far the peak resident memory rose.
 */
export async function batchPeakMemory(manifest: string, options: { batch: number }): Promise<void> {
  await withModelFile(manifest, 'node', async (loaded) => {
    const image = dryRunImage(loaded.manifest.segmenter);
    const predictor = await loaded.segmenter.bind(image);
    const peak = trackPeakRss();
    // The engine's batch of images is part of what an item costs: allocated after the reset.
    const images = new Float32Array(options.batch * image.data.length);
    for (let n = 0; n < options.batch; n++) images.set(image.data, n * image.data.length);
    for (let run = 0; run < 2; run++) await predictor.predict(images, options.batch);
    process.stdout.write(`${JSON.stringify({ batch: options.batch, ...peak() })}\n`);
  });
}
