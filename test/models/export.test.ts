import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { runCli } from '../helpers/runCli';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are edited as plain JSON here */

/**
 * models/export: every example manifest passes `xai-clip models validate` (on real ONNX files in
 * the repository), the bad models that no other suite takes through the validator fail it with
 * their specific message, and write_manifest.py writes skeletons that validate.
 */
const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES = path.join('models', 'export', 'examples');
const PYTHON = '/usr/bin/python3';
const WRITE_MANIFEST = path.join(ROOT, 'models', 'export', 'write_manifest.py');

let folder: string;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'build', 'cli', 'xai-clip.mjs'))) {
    throw new Error('The CLI is not built: run `npm run build:cli` first.');
  }
  folder = mkdtempSync(path.join(tmpdir(), 'xai-clip-export-'));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** An example manifest with its file paths made absolute, edited, written to the temp folder. */
function variant(example: string, name: string, edit: (manifest: any) => void): string {
  const source = path.join(ROOT, EXAMPLES, example);
  const manifest = JSON.parse(readFileSync(source, 'utf8'));
  const absolute = (file: string) => path.resolve(path.dirname(source), file);
  const { segmenter, clip } = manifest;
  segmenter.file = absolute(segmenter.file);
  if (clip) {
    clip.imageEncoder.file = absolute(clip.imageEncoder.file);
    if (clip.textEncoder) {
      clip.textEncoder.file = absolute(clip.textEncoder.file);
      clip.textEncoder.vocabulary = absolute(clip.textEncoder.vocabulary);
    }
    if (clip.promptEmbeddings) clip.promptEmbeddings = absolute(clip.promptEmbeddings);
  }
  edit(manifest);
  const file = path.join(folder, name);
  writeFileSync(file, JSON.stringify(manifest));
  return file;
}

/** chaos-clip's class embeddings, edited, written to the temp folder; returns the path. */
function promptEmbeddings(name: string, edit: (embeddings: Record<string, number[]>) => void): string {
  const embeddings = JSON.parse(
    readFileSync(path.join(ROOT, 'models', 'chaos-clip', 'prompt_embeddings.json'), 'utf8'),
  );
  edit(embeddings);
  const file = path.join(folder, name);
  writeFileSync(file, JSON.stringify(embeddings));
  return file;
}

const CHAOS_IMAGE_ENCODER = path.join(ROOT, 'models', 'chaos-clip', 'clip_image.onnx');
const FIX_PATCH_DIMS =
  'Fix grid or embeddingSize, or transpose a [batch, E, rows, columns] output in the export wrapper (x.flatten(2).transpose(1, 2)).';
// The shipped CT segmenter is liver-only; the chaos-clip prompts keep the kidneys and spleen as competitors.
const CHAOS_CLASSES = 'classes background, liver';
const CHAOS_PROMPTS = 'CLIP prompts for background, liver, right_kidney, left_kidney, spleen';

describe('models/export examples', () => {
  // Examples declare no orientation: their networks see images as the reader stores them.
  const axes = 'orientation native, array convention itk';
  const expected: Record<string, string> = {
    'ct2d-two-windows.manifest.json': `valid (NCHW, ${axes}, ${CHAOS_CLASSES}; ran on cpu).`,
    'ct3d-two-windows.manifest.json': `valid (NCDHW, ${axes}, classes background, body, liver; ran on cpu).`,
    'mr2d-dynamic.manifest.json': `valid (NCHW, ${axes}, classes background, organ; ran on cpu).`,
    'clip-text-encoder.manifest.json': `valid (NCDHW, ${axes}, classes background, liver, spleen; CLIP prompts for background, liver, spleen, ${axes}; ran on cpu).`,
    'clip-prompt-embeddings.manifest.json': `valid (NCHW, ${axes}, ${CHAOS_CLASSES}; ${CHAOS_PROMPTS}, ${axes}; ran on cpu).`,
  };

  it('lists every example of the folder here', () => {
    expect(readdirSync(path.join(ROOT, EXAMPLES)).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s passes models validate', async (example, summary) => {
    const manifest = path.join(EXAMPLES, example);
    const result = await runCli('models', 'validate', manifest);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [first, batch, end] = result.stdout.split('\n');
    expect(first).toBe(`${manifest}: ${summary}`);
    expect(batch).toMatch(
      /^batch size: \d+.*, about [\d.]+ [kMG]B per image on a [\d×]+ image \(activations at the default estimate of 1024 bytes per voxel\), memory budget /,
    );
    expect(end).toBe('');
  });
});

describe('models validate rejects', () => {
  it.each([
    [
      'a manifest missing a class the network outputs',
      () =>
        variant('ct3d-two-windows.manifest.json', 'missing-class.json', (m) => {
          m.segmenter.classes = ['background', 'body'];
        }),
      'xai-clip: The model output has shape [3, 8, 24, 24] per item, but the manifest expects 2 classes (background, body) on a 8×24×24 grid.',
    ],
    [
      'class embeddings of a size the image encoder does not produce',
      () =>
        variant('clip-prompt-embeddings.manifest.json', 'embedding-size.json', (m) => {
          m.clip.embeddingSize = 64;
          m.clip.promptEmbeddings = promptEmbeddings('embeddings-64.json', (e) => {
            for (const name of Object.keys(e)) e[name] = e[name].slice(0, 64);
          });
        }),
      `xai-clip: The CLIP image encoder ${CHAOS_IMAGE_ENCODER} gives "patch_embeds" dims [1, 256, 128], but clip.imageEncoder.patchOutput must be [batch, rows·columns, embeddingSize] = [1, 256, 64] (clip.imageEncoder.grid [16, 16], clip.embeddingSize 64). ${FIX_PATCH_DIMS}`,
    ],
    [
      'a CLIP patch grid the image encoder does not produce',
      () =>
        variant('clip-prompt-embeddings.manifest.json', 'grid.json', (m) => {
          m.clip.imageEncoder.grid = [8, 8];
        }),
      `xai-clip: The CLIP image encoder ${CHAOS_IMAGE_ENCODER} gives "patch_embeds" dims [1, 256, 128], but clip.imageEncoder.patchOutput must be [batch, rows·columns, embeddingSize] = [1, 64, 128] (clip.imageEncoder.grid [8, 8], clip.embeddingSize 128). ${FIX_PATCH_DIMS}`,
    ],
    [
      'prompt embeddings missing a class, without a text encoder',
      () =>
        variant('clip-prompt-embeddings.manifest.json', 'no-spleen.json', (m) => {
          m.clip.promptEmbeddings = promptEmbeddings('no-spleen-embeddings.json', (e) => delete e.spleen);
        }),
      'xai-clip: There is no precomputed embedding for the class "spleen" and no text encoder to compute it.',
    ],
  ])('%s, with a specific message', async (_, manifest, message) => {
    const result = await runCli('models', 'validate', manifest());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${message}\n`);
  });
});

const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx']).status === 0;
const describeWithOnnx = hasOnnx ? describe : describe.skip;
if (!hasOnnx) {
  console.warn(`Skipping write_manifest.py tests: ${PYTHON} cannot import onnx (apt install python3-onnx).`);
}

/** Runs write_manifest.py; returns exit status and output. */
function writeManifest(...args: string[]) {
  const result = spawnSync(PYTHON, [WRITE_MANIFEST, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A 3-D two-channel network of any size (a 1×1×1 convolution to 3 classes), written by Python. */
const DYNAMIC_3D = `
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
weights = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(3, 2, 1, 1, 1) / 6, "weights")
graph = helper.make_graph(
    [helper.make_node("Conv", ["image", "weights"], ["logits"])], "dynamic3d",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 2, "depth", "height", "width"])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3, "depth", "height", "width"])],
    [weights])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
`;

describeWithOnnx('models/export/write_manifest.py', () => {
  it('prints the signature and writes a fixed-size 3-D skeleton that validates', async () => {
    const manifest = path.join(folder, 'planted3d.manifest.json');
    const result = writeManifest('test/fixtures/models/planted3d_2ch.onnx', '--out', manifest);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("input image ['batch', 2, 16, 32, 32]");
    expect(result.stdout).toContain("output logits ['batch', 3, 16, 32, 32]");
    const { segmenter } = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(segmenter).toMatchObject({
      file: path.relative(folder, path.join(ROOT, 'test', 'fixtures', 'models', 'planted3d_2ch.onnx')),
      layout: 'NCDHW',
      inputName: 'image',
      outputName: 'logits',
      size: { mode: 'fixed', shape: [16, 32, 32] },
      activation: 'softmax',
      classes: ['background', 'class_1', 'class_2'],
    });
    expect(segmenter.channels).toEqual([
      { kind: 'window', center: 40, width: 400 },
      { kind: 'window', center: 40, width: 400 },
    ]);
    const validated = await runCli('models', 'validate', manifest);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(
      'valid (NCDHW, orientation native, array convention itk, classes background, class_1, class_2; ran on cpu)',
    );
  });

  it('needs --classes when the class axis is dynamic, and sees a final softmax (activation none)', async () => {
    const manifest = path.join(folder, 'chaos-ct.manifest.json');
    const model = 'models/chaos-ct-segformer/segmenter.onnx';
    const unnamed = writeManifest(model, '--out', manifest);
    expect(unnamed.code).not.toBe(0);
    expect(unnamed.stderr).toContain('the class axis of "probabilities" is not fixed');
    const classes = 'background,liver';
    const named = writeManifest(model, '--out', manifest, '--classes', classes);
    expect(named.code).toBe(0);
    const { segmenter } = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(segmenter).toMatchObject({ activation: 'none', classes: classes.split(',') });
    const validated = await runCli('models', 'validate', manifest);
    expect(validated.code).toBe(0);
  });

  it('rejects --classes of the wrong count and writes nothing', () => {
    const manifest = path.join(folder, 'wrong-count.manifest.json');
    const result = writeManifest(
      'test/fixtures/models/planted3d_2ch.onnx',
      '--classes',
      'a,b',
      '--out',
      manifest,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('"logits" has 3 channels but --classes names 2.');
    expect(existsSync(manifest)).toBe(false);
  });

  it('writes a dynamic-size 3-D skeleton (multiple 16, z-score for MR) that validates', async () => {
    const model = path.join(folder, 'dynamic3d.onnx');
    const built = spawnSync(PYTHON, ['-c', DYNAMIC_3D, model], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    const manifest = path.join(folder, 'dynamic3d.manifest.json');
    const result = writeManifest(model, '--out', manifest, '--modality', 'MR');
    expect(result.code).toBe(0);
    const written = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(written.modalities).toEqual(['MR']);
    expect(written.segmenter).toMatchObject({
      file: 'dynamic3d.onnx',
      layout: 'NCDHW',
      size: { mode: 'dynamic', multiple: 16 },
      channels: [{ kind: 'zscore' }, { kind: 'zscore' }],
      activation: 'softmax',
    });
    const validated = await runCli('models', 'validate', manifest, '--json');
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout)).toMatchObject({
      valid: true,
      layout: 'NCDHW',
      dryRunGrid: [64, 64, 32],
    });
  });
});

/** A CLIP image encoder whose patch embedding is a strided convolution left as [batch, 4, 16, 16]. */
const PATCH_CONV = `
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
weights = numpy_helper.from_array(np.linspace(-1, 1, 4 * 64, dtype=np.float32).reshape(4, 1, 8, 8), "weights")
graph = helper.make_graph(
    [helper.make_node("Conv", ["image", "weights"], ["patches"], kernel_shape=[8, 8], strides=[8, 8])],
    "patch_conv",
    [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 1, 128, 128])],
    [helper.make_tensor_value_info("patches", TensorProto.FLOAT, ["batch", 4, 16, 16])],
    [weights])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
`;

describeWithOnnx('models validate on a CLIP image encoder', () => {
  it('rejects a [batch, E, rows, columns] patch output, which has the right number of values', async () => {
    const encoder = path.join(folder, 'patch_conv.onnx');
    const built = spawnSync(PYTHON, ['-c', PATCH_CONV, encoder], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    const manifest = variant('clip-prompt-embeddings.manifest.json', 'patch-conv.json', (m) => {
      m.clip.imageEncoder.file = encoder;
      m.clip.imageEncoder.patchOutput = 'patches';
      m.clip.embeddingSize = 4;
      m.clip.promptEmbeddings = promptEmbeddings('embeddings-4.json', (e) => {
        for (const name of Object.keys(e)) e[name] = e[name].slice(0, 4);
      });
    });
    const result = await runCli('models', 'validate', manifest);
    expect(result.stderr).toBe(
      `xai-clip: The CLIP image encoder ${encoder} gives "patches" dims [1, 4, 16, 16], but clip.imageEncoder.patchOutput must be [batch, rows·columns, embeddingSize] = [1, 256, 4] (clip.imageEncoder.grid [16, 16], clip.embeddingSize 4). ${FIX_PATCH_DIMS}\n`,
    );
    expect(result.code).toBe(1);
  });
});
