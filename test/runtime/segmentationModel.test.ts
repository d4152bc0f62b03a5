import * as fs from 'fs';
import * as ortNode from 'onnxruntime-node';
import { loadModelFile } from '../../cli/src/io/loadModelFile';
import { explainVolume } from '../../extension/src/engine/explain/explainVolume';
import { overlap } from '../../extension/src/engine/metrics/overlap';
import { roiFromMask } from '../../extension/src/engine/roi/roiFromMask';
import { binarize } from '../../extension/src/engine/util/binarize';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { LoadedModel } from '../../extension/src/runtime/loadModel';
import { SegmenterEntry } from '../../extension/src/runtime/manifest/ModelManifest';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';
import { OrtSegmentationModel } from '../../extension/src/runtime/OrtSegmentationModel';
import { fixture, plantedSlice } from '../helpers/plantedImage';

interface Range {
  first: number;
  last: number;
}
const golden = JSON.parse(fs.readFileSync(fixture('golden_planted.json'), 'utf8')) as {
  planted2d: { allOnes: { class0: number; class1: number } };
  planted3d_2ch: { regions: { class: number; channel: number; depth: Range; rows: Range; cols: Range }[] };
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** Largest |values[v] − expected(v)|. */
const maxError = (values: Float32Array, expected: (v: number) => number) => {
  let worst = 0;
  for (let v = 0; v < values.length; v++) worst = Math.max(worst, Math.abs(values[v] - expected(v)));
  return worst;
};
const within = (value: number, range: Range) => value >= range.first && value <= range.last;

/** A 2-D image with nz = 1 whose value at (i, j) is f(i, j). */
const image2d = (nx: number, ny: number, f: (i: number, j: number) => number) => {
  const data = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) data[i + nx * j] = f(i, j);
  return createVolume(data, [nx, ny, 1], { spacing: [1, 1, 1] });
};

/** The manifest's segmenter on an onnxruntime-node session that records the input shapes it runs. */
async function recordingSegmenter(entry: SegmenterEntry) {
  const session = await ortNode.InferenceSession.create(fs.readFileSync(fixture(entry.file)));
  const shapes: number[][] = [];
  const recording = new Proxy(session, {
    get: (target, key) =>
      key === 'run'
        ? (feeds: Record<string, { dims: readonly number[] }>) => {
            shapes.push([...feeds[entry.inputName].dims]);
            return target.run(feeds as never);
          }
        : Reflect.get(target, key),
  });
  return { segmenter: new OrtSegmentationModel(ortNode as unknown as OrtModule, recording, entry), shapes };
}

describe('OrtSegmentationModel on the planted 2-D models', () => {
  let planted: LoadedModel;
  beforeAll(async () => {
    planted = await loadModelFile(fixture('planted2d.manifest.json'));
  });

  it('gives softmax(golden all-ones logits) at every pixel', async () => {
    const { class0, class1 } = golden.planted2d.allOnes;
    const image = image2d(64, 64, () => 1);
    const predictor = await planted.segmenter.bind(image);
    expect(predictor.classNames).toEqual(['background', 'organ']);
    expect(predictor.outputSize).toBe(64 * 64);
    const probabilities = await predictor.predict(image.data, 1);
    expect(probabilities).toHaveLength(2 * 64 * 64);
    const organ = sigmoid(class1 - class0);
    expect(maxError(probabilities.subarray(64 * 64), () => organ)).toBeLessThan(1e-6);
    expect(maxError(probabilities.subarray(0, 64 * 64), () => 1 - organ)).toBeLessThan(1e-6);
    expect(predictor.toImageGrid(probabilities)).toBe(probabilities);
  });

  it('resamples a 128×96 image to the fixed 64×64 grid and back', async () => {
    // S maps to columns 48–79, rows 24–47 of the 128×96 image: 0.75 there gives logit 8·0.25 = 2.
    const image = image2d(128, 96, (i, j) => (i >= 48 && i < 80 && j >= 24 && j < 48 ? 0.75 : 0));
    const predictor = await planted.segmenter.bind(image);
    expect(predictor.outputSize).toBe(64 * 64);
    const probabilities = await predictor.predict(image.data, 1);
    expect(probabilities).toHaveLength(2 * 64 * 64);
    const onImage = predictor.toImageGrid(probabilities);
    expect(onImage).toHaveLength(2 * 128 * 96);
    expect(maxError(onImage.subarray(128 * 96), () => sigmoid(2))).toBeLessThan(1e-5);
    expect(maxError(onImage.subarray(0, 128 * 96), (v) => 1 - onImage[128 * 96 + v])).toBeLessThan(1e-6);
  });

  it('splits batches for a network exported with batch 1', async () => {
    const { manifest } = await loadModelFile(fixture('planted2d_fixed_batch.manifest.json'));
    const fixedBatch = await recordingSegmenter(manifest.segmenter);
    const reference = plantedSlice();
    const items = 5;
    const batch = new Float32Array(items * 64 * 64);
    for (let n = 0; n < items; n++) {
      // Different S brightness per item: organ logits 8·(s − 0.5) for s = 0.2 … 1.
      batch.set(
        reference.data.map((value) => (value === 1 ? 0.2 * (n + 1) : value)),
        n * 64 * 64,
      );
    }
    const [a, b] = await Promise.all([
      planted.segmenter.bind(reference),
      fixedBatch.segmenter.bind(reference),
    ]);
    const expected = await a.predict(batch, items);
    const actual = await b.predict(batch, items);
    expect(fixedBatch.shapes).toEqual(Array.from({ length: items }, () => [1, 1, 64, 64]));
    expect(actual).toHaveLength(items * 2 * 64 * 64);
    expect(maxError(actual, (v) => expected[v])).toBeLessThan(1e-6);
    for (let n = 0; n < items; n++) {
      const organ = actual[n * 2 * 64 * 64 + 64 * 64];
      expect(organ).toBeCloseTo(sigmoid(8 * (0.2 * (n + 1) - 0.5)), 5);
    }
  });

  it('pads a dynamic model input to a multiple of 8 and crops the output to the image', async () => {
    const { manifest } = await loadModelFile(fixture('dynamic2d.manifest.json'));
    const { segmenter, shapes } = await recordingSegmenter(manifest.segmenter);
    const [nx, ny] = [50, 37];
    const value = (i: number, j: number) => ((i * 7 + j * 13) % 11) / 10;
    const image = image2d(nx, ny, value);
    const predictor = await segmenter.bind(image);
    expect(predictor.outputSize).toBe(50 * 37);
    expect(predictor.outputSize).toBe(1850);
    const probabilities = await predictor.predict(image.data, 1);
    expect(shapes).toEqual([[1, 1, 40, 56]]);
    // The network returned 2·56·40 values; the crop leaves 2·50·37.
    expect(probabilities).toHaveLength(2 * 1850);
    expect(predictor.toImageGrid(probabilities)).toBe(probabilities);
    for (const [i, j] of [
      [1, 1],
      [20, 17],
      [48, 35],
      [33, 5],
    ]) {
      let sum = 0;
      for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) sum += value(i + di, j + dj);
      const organ = sigmoid(10 * (sum / 9 - 0.5));
      expect(probabilities[1850 + i + nx * j]).toBeCloseTo(organ, 5);
      expect(probabilities[i + nx * j]).toBeCloseTo(1 - organ, 5);
    }
  });
});

describe('OrtSegmentationModel on the 3-D two-window model', () => {
  const [nx, ny, nz] = [32, 32, 16];
  const s1 = () => golden.planted3d_2ch.regions.find((r) => r.class === 1)!;
  const inS1 = (i: number, j: number, k: number) => {
    const region = s1();
    return within(k, region.depth) && within(j, region.rows) && within(i, region.cols);
  };
  /** HU volume: 240 HU (top of window 0 → 1.0) inside S1, −160 HU (bottom of window 0 → 0) elsewhere. */
  const volume = () => {
    const data = new Float32Array(nx * ny * nz);
    for (let k = 0, v = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) data[v] = inS1(i, j, k) ? 240 : -160;
    return createVolume(data, [nx, ny, nz], { spacing: [1, 1, 1] });
  };
  const s1Mask = () => {
    const mask = new Uint8Array(nx * ny * nz);
    for (let k = 0, v = 0; k < nz; k++)
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, v++) mask[v] = inS1(i, j, k) ? 1 : 0;
    return mask;
  };

  let model: LoadedModel;
  beforeAll(async () => {
    model = await loadModelFile(fixture('planted3d_2ch.manifest.json'));
  });

  it('windows HU into two channels and finds the liver', async () => {
    expect(model.segmenter.dimensionality).toBe(3);
    const image = volume();
    const predictor = await model.segmenter.bind(image);
    expect(predictor.classNames).toEqual(['background', 'liver', 'spleen']);
    const probabilities = await predictor.predict(image.data, 1);
    const size = nx * ny * nz;
    expect(probabilities).toHaveLength(3 * size);
    // Liver: channel 0 is 1 over S1 → logit 4. Spleen: channel 1 is (−160 + 1000)/2000 = 0.42 → logit −0.64.
    const liver = Math.exp(4) / (1 + Math.exp(4) + Math.exp(-0.64));
    for (const v of [0, 4321, size - 1]) expect(probabilities[size + v]).toBeCloseTo(liver, 4);
    expect(probabilities[size + 4321]).toBeGreaterThan(0.95);
  });

  it('occlusion saliency of the liver lands on S1 (windows aligned to S1, in an ROI around it)', async () => {
    // S1 spans columns [10, 22), rows [8, 20), depth [4, 10): 2-voxel windows along i and k and
    // 4-voxel windows along j tile it exactly. (Cubic 4 mm windows at stride 4 cannot: S1's column
    // and depth edges fall mid-window, which caps the Otsu IoU at 768 / 1248 ≈ 0.62.)
    const roi = roiFromMask(s1Mask(), [nx, ny, nz], [2, 2, 2]);
    expect(roi.box).toEqual({ min: [8, 6, 2], max: [24, 22, 12] });
    const result = await explainVolume(volume(), model.segmenter, {
      classIndex: 1,
      method: 'occlusion',
      // The paper's ROI occlusion (no outside tiles), so nothing outside the ROI is touched.
      methodOptions: { windowMm: [2, 4, 2], strideMm: [2, 4, 2], outsideTileFactor: 0 },
      roi,
      scope: 'volume',
      fill: -1000,
    });
    // Windows overlapping the ROI: 8 along i, 5 along j (starts 4…20), 5 along k.
    expect(result.passes).toBe(1 + 8 * 5 * 5);
    expect(result.images).toHaveLength(1);
    expect(result.images[0].slice).toBeNull();
    const saliency = result.saliency.data;
    const mask = binarize(saliency, { kind: 'otsu' });
    const { iou } = overlap(mask, s1Mask());
    expect(iou).toBeGreaterThanOrEqual(0.8);
    // Every S1 voxel lost liver probability when occluded; nothing outside the ROI was touched.
    let outsideRoi = 0;
    s1Mask().forEach((inside, v) => {
      if (inside && !(saliency[v] > 0)) throw new Error(`S1 voxel ${v} has saliency ${saliency[v]}`);
    });
    for (let k = 0, v = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++, v++) {
          const inRoi = i >= 8 && i < 24 && j >= 6 && j < 22 && k >= 2 && k < 12;
          if (!inRoi && saliency[v] !== 0) outsideRoi++;
        }
    expect(outsideRoi).toBe(0);
  });
});

describe('onnxruntime-web (WASM) against onnxruntime-node', () => {
  it('gives the same planted2d probabilities within 1e-5 and reports its backend', async () => {
    const [node, web] = await Promise.all([
      loadModelFile(fixture('planted2d.manifest.json'), 'node'),
      loadModelFile(fixture('planted2d.manifest.json'), 'web'),
    ]);
    expect(node.backend).toBe('cpu');
    expect(web.backend).toBe('wasm');
    expect(web.fallbackReason).toBeUndefined();
    const reference = plantedSlice();
    const items = 3;
    const batch = new Float32Array(items * 64 * 64);
    for (let n = 0; n < items; n++) {
      batch.set(
        reference.data.map((value) => (value === 1 ? 0.3 + 0.25 * n : value)),
        n * 64 * 64,
      );
    }
    const expected = await (await node.segmenter.bind(reference)).predict(batch, items);
    const actual = await (await web.segmenter.bind(reference)).predict(batch, items);
    expect(actual).toHaveLength(expected.length);
    expect(maxError(actual, (v) => expected[v])).toBeLessThan(1e-5);
    expect(actual[64 * 64]).toBeCloseTo(sigmoid(8 * (0.3 - 0.5)), 5);
  });
});
