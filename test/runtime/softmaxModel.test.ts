import * as ortNode from 'onnxruntime-node';
import * as fs from 'fs';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';
import { softmaxOverClassesModel } from '../../extension/src/runtime/ort/softmaxModel';
import { OrtSegmentationModel } from '../../extension/src/runtime/OrtSegmentationModel';
import { parseManifest } from '../../extension/src/runtime/manifest/parseManifest';
import { fixture, plantedSlice } from '../helpers/plantedImage';

/** Softmax over axis 1 of [n, classes, rest…], in float64. */
function softmax(logits: Float32Array, n: number, classes: number): Float64Array {
  const rest = logits.length / (n * classes);
  const out = new Float64Array(logits.length);
  for (let item = 0; item < n; item++) {
    for (let v = 0; v < rest; v++) {
      const at = (c: number) => (item * classes + c) * rest + v;
      let top = -Infinity;
      for (let c = 0; c < classes; c++) top = Math.max(top, logits[at(c)]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(logits[at(c)] - top);
      for (let c = 0; c < classes; c++) out[at(c)] = Math.exp(logits[at(c)] - top) / sum;
    }
  }
  return out;
}

describe('softmaxOverClassesModel', () => {
  it.each([
    ['rank 4 (NCHW)', [3, 5, 7, 6]],
    ['rank 5 (NCDHW)', [2, 3, 4, 5, 6]],
  ])('runs in onnxruntime-node and matches a float64 softmax over classes (%s)', async (_, dims) => {
    const session = await ortNode.InferenceSession.create(softmaxOverClassesModel(dims.length));
    const size = dims.reduce((a, b) => a * b, 1);
    const logits = Float32Array.from({ length: size }, (_, v) => 40 * Math.sin(v * 1.7) - 5);
    const { probabilities } = await session.run({ logits: new ortNode.Tensor('float32', logits, dims) });
    expect(probabilities.dims).toEqual(dims);
    const expected = softmax(logits, dims[0], dims[1]);
    const actual = probabilities.data as Float32Array;
    let error = 0;
    for (let v = 0; v < size; v++) error = Math.max(error, Math.abs(actual[v] - expected[v]));
    expect(error).toBeLessThan(1e-6);
  });

  it('gives the segmenter the same probabilities as the JavaScript softmax', async () => {
    const manifest = parseManifest(
      JSON.parse(fs.readFileSync(fixture('planted2d.manifest.json'), 'utf8')),
      'planted2d.manifest.json',
    );
    const ort = ortNode as unknown as OrtModule;
    const session = await ortNode.InferenceSession.create(fixture('planted2d.onnx'));
    const inOnnx = new OrtSegmentationModel(ort, session, manifest.segmenter, ['cpu']);
    const inJs = new OrtSegmentationModel(ort, session, manifest.segmenter);
    const image = plantedSlice();
    const batch = new Float32Array(2 * image.data.length);
    batch.set(image.data);
    batch.set(
      image.data.map((v) => v * 0.5),
      image.data.length,
    );
    const a = await (await inOnnx.bind(image)).predict(batch, 2);
    const b = await (await inJs.bind(image)).predict(batch, 2);
    expect(a).toHaveLength(b.length);
    let error = 0;
    for (let v = 0; v < a.length; v++) error = Math.max(error, Math.abs(a[v] - b[v]));
    expect(error).toBeLessThan(1e-6);
  });
});
