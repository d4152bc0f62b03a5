import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { PartialSaliency } from '../../extension/src/engine/explain/PartialSaliencySchedule';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { ExplainRequest, runExplanation } from '../../extension/src/runtime/runExplanation';
import { fixture, plantedSlice } from '../helpers/plantedImage';

describe('runExplanation’s onPartialSaliency (planted2d, ONNX)', () => {
  let folder: string;
  let loaded: LoadedModel;
  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'xai-clip-partial-'));
    const manifest = JSON.parse(fs.readFileSync(fixture('planted2d.manifest.json'), 'utf8'));
    delete manifest.clip;
    manifest.segmenter.file = fixture('planted2d.onnx');
    fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
    loaded = await loadModelFile(path.join(folder, 'manifest.json'));
  });
  afterAll(async () => {
    await loaded.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it.each(['occlusion', 'rise'] as const)(
    '%s: a running map after the first batch, the finished one last, and the same result as without',
    async (method) => {
      const request: ExplainRequest = {
        organ: 'organ',
        method,
        roi: 'none',
        scope: 'slice',
        slice: 0,
        windowMm: 8,
        samples: 24,
        batchSize: 4,
      };
      const plain = await runExplanation(loaded, plantedSlice(), request);
      const partials: PartialSaliency[] = [];
      const progressive = await runExplanation(loaded, plantedSlice(), request, {
        onPartialSaliency: (partial) => partials.push(partial),
      });
      expect(Array.from(progressive.result.saliency.data)).toEqual(Array.from(plain.result.saliency.data));
      expect(partials.map((p) => p.final)).toEqual([false, ...Array(partials.length - 2).fill(false), true]);
      expect(Array.from(partials[partials.length - 1].saliency)).toEqual(
        Array.from(plain.result.saliency.data),
      );
    },
  );
});
