import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { fixture } from './plantedImage';

/**
 * The planted 2-D segmenter alone (its manifest copied without the CLIP part), and a `release`
 * that disposes it and removes the copy.
 */
export async function planted2dWithoutClip(): Promise<{ loaded: LoadedModel; release: () => Promise<void> }> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-planted2d-'));
  const manifest = JSON.parse(fs.readFileSync(fixture('planted2d.manifest.json'), 'utf8'));
  delete manifest.clip;
  manifest.segmenter.file = fixture('planted2d.onnx');
  fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
  const loaded = await loadModelFile(path.join(folder, 'manifest.json'));
  return {
    loaded,
    release: async () => {
      await loaded.dispose();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
