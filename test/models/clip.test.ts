import * as fs from 'fs';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import {
  CT_HELD_OUT_FILES,
  HELD_OUT_MR,
  HeldOutSlice,
  loadClip,
  loadHeldOut,
  localise,
  SliceResult,
  summarise,
} from '../../models/train/clip_localisation';
import { createVolume } from '../../extension/src/engine/volume/volumeUtils';
import { ClipEntry } from '../../extension/src/runtime/manifest/ModelManifest';
import { parseManifest } from '../../extension/src/runtime/manifest/parseManifest';
import { OrtModule } from '../../extension/src/runtime/ort/OrtModule';
import { OrtSimilarityModel } from '../../extension/src/runtime/OrtSimilarityModel';
import { dataRoot } from '../helpers/dataRoot';

const folder = path.resolve(__dirname, '..', '..', 'models', 'chaos-clip');
const golden = JSON.parse(fs.readFileSync(path.join(folder, 'golden', 'golden.json'), 'utf8'));
const entry = JSON.parse(fs.readFileSync(path.join(folder, 'clip.manifest-part.json'), 'utf8')) as ClipEntry;
const runtime = ort as unknown as OrtModule;

function bin(file: string): ArrayBuffer {
  const bytes = fs.readFileSync(path.join(folder, 'golden', file));
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let n = 0; n < a.length; n++) max = Math.max(max, Math.abs(a[n] - b[n]));
  return max;
}

describe('chaos-clip ONNX towers against the torch golden pairs', () => {
  it('image encoder: image_embeds and patch_embeds within 1e-4, at batch 2 and 1', async () => {
    const session = await ort.InferenceSession.create(path.join(folder, entry.imageEncoder.file));
    const { input, outputs } = golden.image;
    const image = new Float32Array(bin(input.file));
    const [batch, channels, height, width] = input.shape;
    expect([channels, height, width]).toEqual([1, ...entry.imageEncoder.shape]);
    const result = await session.run({ image: new ort.Tensor('float32', image, input.shape) });
    for (const name of ['image_embeds', 'patch_embeds']) {
      expect(result[name].dims).toEqual(outputs[name].shape);
      expect(
        maxDifference(result[name].data as Float32Array, new Float32Array(bin(outputs[name].file))),
      ).toBeLessThan(golden.tolerance);
    }
    const [rows, columns] = entry.imageEncoder.grid;
    expect(outputs.patch_embeds.shape).toEqual([batch, rows * columns, entry.embeddingSize]);
    const per = image.length / batch;
    const one = await session.run({
      image: new ort.Tensor('float32', image.slice(per, 2 * per), [1, 1, height, width]),
    });
    const expected = new Float32Array(bin(outputs.patch_embeds.file));
    const size = expected.length / batch;
    expect(
      maxDifference(one.patch_embeds.data as Float32Array, expected.subarray(size, 2 * size)),
    ).toBeLessThan(golden.tolerance);
  });

  it('text encoder: text_embeds of the shipped prompts within 1e-4', async () => {
    const session = await ort.InferenceSession.create(path.join(folder, entry.textEncoder!.file));
    const { input, outputs, prompts } = golden.text;
    expect(prompts).toEqual(Object.values(entry.prompts).flat());
    const ids = new BigInt64Array(bin(input.file));
    const result = await session.run({ input_ids: new ort.Tensor('int64', ids, input.shape) });
    expect(result.text_embeds.dims).toEqual(outputs.text_embeds.shape);
    expect(
      maxDifference(result.text_embeds.data as Float32Array, new Float32Array(bin(outputs.text_embeds.file))),
    ).toBeLessThan(golden.tolerance);
  });
});

describe('chaos-clip manifest part and prompt embeddings', () => {
  it('is a valid clip entry for a manifest whose segmenter has the same organ classes', () => {
    const manifest = {
      name: 'check',
      version: '0.0.0',
      modalities: ['CT', 'MR'],
      segmenter: {
        file: 'unused.onnx',
        layout: 'NCHW',
        inputName: 'image',
        outputName: 'logits',
        size: { mode: 'fixed', shape: [128, 128] },
        channels: [{ kind: 'zscore' }],
        activation: 'softmax',
        classes: Object.keys(entry.prompts),
      },
      clip: entry,
    };
    expect(() => parseManifest(manifest, 'check')).not.toThrow();
    expect(Object.keys(entry.prompts)).toEqual([
      'background',
      'liver',
      'right kidney',
      'left kidney',
      'spleen',
    ]);
  });

  it('ships the text encoder tokens and its class embeddings: tokenized prompts match golden ids', () => {
    const vocabulary = JSON.parse(fs.readFileSync(path.join(folder, 'vocab.json'), 'utf8'));
    const precomputed = JSON.parse(fs.readFileSync(path.join(folder, 'prompt_embeddings.json'), 'utf8'));
    expect(Object.keys(precomputed)).toEqual(Object.keys(entry.prompts));
    for (const embedding of Object.values(precomputed) as number[][]) {
      expect(embedding).toHaveLength(entry.embeddingSize);
    }
    expect(vocabulary[entry.textEncoder!.padToken!]).toBe(0);
  });

  it('precomputed embeddings give the same similarity maps as the text encoder, for every class', async () => {
    const { clip: withEmbeddings } = await loadClip(folder, runtime);
    const { clip: textOnly } = await loadClip(folder, runtime, { precomputed: false });
    // A deterministic non-trivial slice (any image will do: the maps differ only by the embeddings).
    const data = Float32Array.from(
      { length: 96 * 80 },
      (_, v) => Math.sin(v / 37) * 100 + ((v * 7919) % 101),
    );
    const slice = createVolume(data, [96, 80, 1]);
    for (const target of withEmbeddings.classes) {
      const others = withEmbeddings.classes.filter((name) => name !== target);
      const a = await withEmbeddings.similarity(slice, { target, others });
      const b = await textOnly.similarity(slice, { target, others });
      expect(b.classes).toEqual(a.classes);
      a.maps.forEach((map, n) => expect(maxDifference(map, b.maps[n])).toBeLessThan(1e-5));
    }
  });
});

describe('chaos-clip localisation on held-out slices (the product ROI recipe, margin 0)', () => {
  let clip: OrtSimilarityModel;
  let results: SliceResult[];
  beforeAll(async () => {
    clip = (await loadClip(folder, runtime)).clip;
    const root = dataRoot();
    // Fixed rule, no picking: per held-out MR subject the slice with the most organ voxels, and
    // every 10th held-out CT file.
    const slices: HeldOutSlice[] = [];
    for (const subject of HELD_OUT_MR) {
      const all = await loadHeldOut(root, { mrSubjects: [subject], ctFiles: [] });
      const voxels = (s: HeldOutSlice) =>
        Object.values(s.organs).reduce((sum, mask) => sum + mask.reduce((a, v) => a + v, 0), 0);
      slices.push(all.reduce((best, s) => (voxels(s) > voxels(best) ? s : best)));
    }
    slices.push(
      ...(await loadHeldOut(root, {
        mrSubjects: [],
        ctFiles: CT_HELD_OUT_FILES.filter((f) => f % 10 === 5),
      })),
    );
    results = [];
    for (const item of slices) results.push(...(await localise(clip, entry.logitScale, item, [0]))[0]);
  });

  it('covers ≥ 95 % of each organ with an ROI of ≤ 35 % of the body, on average', () => {
    const rows = summarise(results);
    expect(rows.map((r) => r.group).sort()).toEqual(
      [
        'CT liver',
        'MR left_kidney',
        'MR liver',
        'MR right_kidney',
        'MR spleen',
        'all (slice-organ pairs)',
      ].sort(),
    );
    for (const row of rows) {
      expect({ group: row.group, coverageOk: row.coverage >= 0.95 }).toEqual({
        group: row.group,
        coverageOk: true,
      });
      expect({ group: row.group, areaOk: row.area <= 0.35 }).toEqual({ group: row.group, areaOk: true });
    }
    expect(results.filter((r) => r.fallbackReason)).toEqual([]);
  });
});
