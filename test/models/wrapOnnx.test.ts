import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as ortNode from 'onnxruntime-node';
import { tmpdir } from 'os';
import * as path from 'path';
import { runCli } from '../helpers/runCli';

/**
 * models/export/wrap_onnx.py, the ONNX-only recipe: small models that want [batch, C, W, H] or
 * channels-last input, flipped, with logits out, are wrapped; onnxruntime-node checks that the
 * wrapped model computes the original's output on the transposed and flipped input, transposed,
 * flipped and softmaxed back (all computed here in JS), at opsets 17, 11 (softmax before opset
 * 13) and 9 (flips before Slice had steps), with external weights, and that `models validate`
 * accepts a manifest of the wrapped model. Bad flags fail with their message and write nothing.
 */
const ROOT = path.join(__dirname, '..', '..');
const PYTHON = '/usr/bin/python3';
const WRAP = path.join(ROOT, 'models', 'export', 'wrap_onnx.py');
const WRITE_MANIFEST = path.join(ROOT, 'models', 'export', 'write_manifest.py');

/**
 * Test models, by kind:
 * - cwh: input "x_cwh" [batch, 2, W 8, H 6] → 1×1 convolution to 3 classes plus a position-dependent
 *   bias (so neither a flip nor a transpose commutes with it) → "logits" [batch, 3, 8, 6].
 * - dhwc: channels-last 3-D, "x_dhwc" [batch, D 4, H 6, W 5, 1] → MatMul to 3 classes plus a
 *   position-dependent bias → "logits" [batch, 4, 6, 5, 3].
 * - dynamic: cwh without the bias, of any W and H.
 * argv: out path, kind, opset, "external" (all weights in <out>.weights) or "inside".
 */
const GENERATE = `
import os, sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
out, kind, opset, external = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "external"
if kind == "dhwc":
    image, logits = ("x_dhwc", ["batch", 4, 6, 5, 1]), ["batch", 4, 6, 5, 3]
    w = numpy_helper.from_array(np.array([[1.0, -0.5, 0.25]], dtype=np.float32), "w")
    nodes = [helper.make_node("MatMul", ["x_dhwc", "w"], ["class_scores"])]
else:
    image = ("x_cwh", ["batch", 2, "width", "height"] if kind == "dynamic" else ["batch", 2, 8, 6])
    logits = ["batch", 3] + image[1][2:]
    w = numpy_helper.from_array(np.linspace(-1, 1, 6, dtype=np.float32).reshape(3, 2, 1, 1), "w")
    nodes = [helper.make_node("Conv", ["x_cwh", "w"], ["logits" if kind == "dynamic" else "class_scores"])]
weights = [w]
if kind != "dynamic":
    shape = [1] + logits[1:]
    bias = np.sin(np.arange(np.prod(shape), dtype=np.float32) * 0.7).reshape(shape) * 2
    weights.append(numpy_helper.from_array(bias, "bias"))
    nodes.append(helper.make_node("Add", ["class_scores", "bias"], ["logits"]))
graph = helper.make_graph(nodes, kind,
    [helper.make_tensor_value_info(image[0], TensorProto.FLOAT, image[1])],
    [helper.make_tensor_value_info("logits", TensorProto.FLOAT, logits)], weights)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
model.ir_version = 7
onnx.checker.check_model(model)
if external:
    onnx.save_model(model, out, save_as_external_data=True, location=os.path.basename(out) + ".weights",
                    size_threshold=0)
else:
    onnx.save(model, out)
`;

const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx']).status === 0;
const describeWithOnnx = hasOnnx ? describe : describe.skip;
if (!hasOnnx) {
  console.warn(`Skipping wrap_onnx.py tests: ${PYTHON} cannot import onnx (apt install python3-onnx).`);
}

let folder: string;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'build', 'cli', 'xai-clip.mjs'))) {
    throw new Error('The CLI is not built: run `npm run build:cli` first.');
  }
  folder = mkdtempSync(path.join(tmpdir(), 'xai-clip-wrap-'));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function python(script: string, ...args: string[]) {
  const result = spawnSync(PYTHON, [script, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Writes a test model (GENERATE) to the temp folder; returns its path. */
function generate(name: string, kind: 'cwh' | 'dhwc' | 'dynamic', opset: number, external = false) {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  const built = spawnSync(
    PYTHON,
    ['-c', GENERATE, file, kind, String(opset), external ? 'external' : 'inside'],
    {
      encoding: 'utf8',
    },
  );
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
  return file;
}

// ---------------------------------------------------------------- reference ops, in JS

interface NdArray {
  data: Float32Array;
  dims: number[];
}

/** Calls `visit(flat, index)` for every element of an array of `dims`, row-major. */
function forEachIndex(dims: number[], visit: (flat: number, index: number[]) => void): void {
  const size = dims.reduce((a, b) => a * b, 1);
  const index = dims.map(() => 0);
  for (let flat = 0; flat < size; flat++) {
    visit(flat, index);
    for (let axis = dims.length - 1; axis >= 0; axis--) {
      if (++index[axis] < dims[axis]) break;
      index[axis] = 0;
    }
  }
}

function flatIndex(dims: number[], index: number[]): number {
  return index.reduce((flat, i, axis) => flat * dims[axis] + i, 0);
}

/** numpy.transpose(array, perm): axis a of the result is axis perm[a] of the array. */
function transpose({ data, dims }: NdArray, perm: number[]): NdArray {
  const outDims = perm.map((p) => dims[p]);
  const out = new Float32Array(data.length);
  const source = dims.map(() => 0);
  forEachIndex(outDims, (flat, index) => {
    perm.forEach((p, a) => (source[p] = index[a]));
    out[flat] = data[flatIndex(dims, source)];
  });
  return { data: out, dims: outDims };
}

/** numpy.flip(array, axes). */
function flip({ data, dims }: NdArray, axes: number[]): NdArray {
  const out = new Float32Array(data.length);
  forEachIndex(dims, (flat, index) => {
    const source = index.map((i, axis) => (axes.includes(axis) ? dims[axis] - 1 - i : i));
    out[flat] = data[flatIndex(dims, source)];
  });
  return { data: out, dims };
}

/** Softmax over axis 1, in float64. */
function softmax({ data, dims }: NdArray): NdArray {
  const [n, classes] = dims;
  const rest = data.length / (n * classes);
  const out = new Float32Array(data.length);
  for (let item = 0; item < n; item++) {
    for (let v = 0; v < rest; v++) {
      const at = (c: number) => (item * classes + c) * rest + v;
      let top = -Infinity;
      for (let c = 0; c < classes; c++) top = Math.max(top, data[at(c)]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(data[at(c)] - top);
      for (let c = 0; c < classes; c++) out[at(c)] = Math.exp(data[at(c)] - top) / sum;
    }
  }
  return { data: out, dims };
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, value, v) => Math.max(max, Math.abs(value - b[v])), 0);
}

/** Runs a one-input, one-output ONNX file on `input`. */
async function run(
  file: string,
  input: NdArray,
): Promise<NdArray & { inputNames: readonly string[]; outputNames: readonly string[] }> {
  const session = await ortNode.InferenceSession.create(file);
  const [inputName] = session.inputNames;
  const [outputName] = session.outputNames;
  const result = await session.run({ [inputName]: new ortNode.Tensor('float32', input.data, input.dims) });
  const output = result[outputName];
  await session.release();
  return {
    data: output.data as Float32Array,
    dims: [...output.dims],
    inputNames: session.inputNames,
    outputNames: session.outputNames,
  };
}

/** A deterministic, non-symmetric test input. */
function ramp(dims: number[]): NdArray {
  const size = dims.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: size }, (_, v) => Math.sin(v * 1.3) * 3 + v / size), dims };
}

// ---------------------------------------------------------------- the tests

/** The 2-D cwh model's wrap: rows flipped, [B, C, W, H] in and out, logits → probabilities. */
const CWH_FLAGS = [
  '--input-flip',
  '2',
  '--input-transpose',
  '0,1,3,2',
  '--output-transpose',
  '0,1,3,2',
  '--output-flip',
  '2',
  '--softmax',
  '--rename-input',
  'image',
  '--rename-output',
  'probabilities',
];

/** What the wrapped cwh model must compute, from the original model's run, in JS. */
async function expectedCwh(original: string, x: NdArray): Promise<NdArray> {
  const logits = await run(original, transpose(flip(x, [2]), [0, 1, 3, 2]));
  expect(logits.dims).toEqual([x.dims[0], 3, 8, 6]);
  return softmax(flip(transpose(logits, [0, 1, 3, 2]), [2]));
}

/** The cwh model of an opset, wrapped with CWH_FLAGS (once); returns both paths and the tool's output. */
const wrappedCwh = new Map<number, { original: string; wrapped: string; stdout: string }>();
function wrapCwh(opset: number) {
  if (!wrappedCwh.has(opset)) {
    const original = generate(`cwh${opset}.onnx`, 'cwh', opset);
    const wrapped = path.join(folder, `cwh${opset}.wrapped.onnx`);
    const result = python(WRAP, 'wrap', original, '--out', wrapped, ...CWH_FLAGS);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    wrappedCwh.set(opset, { original, wrapped, stdout: result.stdout });
  }
  return wrappedCwh.get(opset)!;
}

describeWithOnnx('models/export/wrap_onnx.py', () => {
  it.each([
    [17, 'flip axes [2] (Slice step -1)', 'softmax over axis 1 (Softmax axis 1)'],
    [
      11,
      'flip axes [2] (Slice step -1)',
      'softmax over axis 1 (classes moved last, Softmax, moved back: opset < 13)',
    ],
    [9, 'flip axes [2] (Gather, reversed indices)', 'softmax over axis 1 (classes moved last'],
  ])(
    'opset %i: a [batch, C, W, H] model with flipped rows, wrapped, computes softmax(flip(transpose(model(transpose(flip(x))))))',
    async (opset, flipNote, softmaxNote) => {
      const { original, wrapped, stdout } = wrapCwh(opset);
      expect(stdout).toContain(
        `input "image" ['batch', 2, 6, 8] → ${flipNote} → transpose [0, 1, 3, 2] → the model's "x_cwh" ['batch', 2, 8, 6]`,
      );
      expect(stdout).toContain(softmaxNote);
      expect(stdout).toContain(`nodes added in the model's opset ${opset}`);
      expect(stdout).toContain(
        'For the manifest: "layout": "NCHW", "inputName": "image", "outputName": "probabilities", "activation": "none".',
      );

      const x = ramp([2, 2, 6, 8]); // [batch, C, H, W] as the runtime sends it
      const actual = await run(wrapped, x);
      expect(actual.inputNames).toEqual(['image']);
      expect(actual.outputNames).toEqual(['probabilities']);
      expect(actual.dims).toEqual([2, 3, 6, 8]);
      const expected = await expectedCwh(original, x);
      expect(maxDifference(actual.data, expected.data)).toBeLessThan(1e-6);
      // The flips matter: without them the answer differs (the model is not flip-equivariant).
      const unflipped = softmax(transpose(await run(original, transpose(x, [0, 1, 3, 2])), [0, 1, 3, 2]));
      expect(maxDifference(actual.data, unflipped.data)).toBeGreaterThan(0.05);
    },
  );

  it('a channels-last 3-D model with flipped rows and columns, wrapped to NCDHW in and out, logits kept', async () => {
    const original = generate('dhwc.onnx', 'dhwc', 17);
    const wrapped = path.join(folder, 'dhwc.wrapped.onnx');
    const flags = ['--input-transpose', '0,2,3,4,1', '--output-transpose', '0,4,1,2,3'];
    const result = python(
      WRAP,
      'wrap',
      original,
      '--out',
      wrapped,
      ...flags,
      '--input-flip',
      '3,4',
      '--output-flip',
      '4,3',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `the model's "logits" ['batch', 4, 6, 5, 3] → transpose [0, 4, 1, 2, 3] → flip axes [3, 4] (Slice step -1) → output "logits" ['batch', 3, 4, 6, 5]`,
    );
    expect(result.stdout).toContain(
      '"layout": "NCDHW", "inputName": "x_dhwc", "outputName": "logits", "activation": "softmax',
    );

    const x = ramp([2, 1, 4, 6, 5]); // [batch, C, D, H, W]
    const actual = await run(wrapped, x);
    expect(actual.inputNames).toEqual(['x_dhwc']);
    expect(actual.outputNames).toEqual(['logits']);
    const logits = await run(original, transpose(flip(x, [3, 4]), [0, 2, 3, 4, 1]));
    const expected = flip(transpose(logits, [0, 4, 1, 2, 3]), [3, 4]);
    expect(actual.dims).toEqual([2, 3, 4, 6, 5]);
    expect(maxDifference(actual.data, expected.data)).toBeLessThan(1e-6);

    const manifest = path.join(folder, 'dhwc.manifest.json');
    writeFileSync(
      manifest,
      JSON.stringify({
        name: 'wrapped-dhwc',
        version: '1.0.0',
        modalities: ['MR'],
        segmenter: {
          file: 'dhwc.wrapped.onnx',
          layout: 'NCDHW',
          inputName: 'x_dhwc',
          outputName: 'logits',
          size: { mode: 'fixed', shape: [4, 6, 5] },
          channels: [{ kind: 'zscore' }],
          activation: 'softmax',
          classes: ['background', 'liver', 'spleen'],
        },
      }),
    );
    const validated = await runCli('models', 'validate', manifest);
    expect(validated.stderr).toBe('');
    expect(validated.stdout.split('\n')[0]).toBe(
      `${manifest}: valid (NCDHW, orientation native, array convention itk, classes background, liver, spleen; ran on cpu).`,
    );
  });

  it('keeps external weights external (in <out>.data beside the wrapped file)', async () => {
    const original = generate(path.join('external', 'cwh.onnx'), 'cwh', 13, true);
    const wrapped = path.join(folder, 'elsewhere', 'cwh.wrapped.onnx');
    mkdirSync(path.dirname(wrapped), { recursive: true });
    const result = python(WRAP, 'wrap', original, '--out', wrapped, ...CWH_FLAGS);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('2 tensors of external data read from cwh.onnx.weights');
    expect(result.stdout).toContain('the external weights are in cwh.wrapped.onnx.data, beside it');
    expect(existsSync(`${wrapped}.data`)).toBe(true);
    const inspected = python(WRAP, 'inspect', wrapped);
    expect(inspected.stdout).toContain('weights: external data in cwh.wrapped.onnx.data');
    const x = ramp([1, 2, 6, 8]);
    const actual = await run(wrapped, x);
    expect(maxDifference(actual.data, (await expectedCwh(original, x)).data)).toBeLessThan(1e-6);
  });

  it('inspect prints the opset, the signature, a channels-last hint and whether the output ends in a softmax', () => {
    const original = generate('inspect-dhwc.onnx', 'dhwc', 17);
    const before = python(WRAP, 'inspect', original);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('opset ai.onnx 17; IR version 7');
    expect(before.stdout).toContain("input x_dhwc float ['batch', 4, 6, 5, 1]");
    expect(before.stdout).toContain('channels-last? Then wrap with --input-transpose 0,2,3,4,1');
    expect(before.stdout).toContain(
      "output logits float ['batch', 4, 6, 5, 3] (made by Add; no final Softmax",
    );
    const after = python(WRAP, 'inspect', wrapCwh(11).wrapped);
    expect(after.stdout).toContain(
      `output probabilities float ['batch', 3, 6, 8] (made by Transpose; ends in its Softmax: "activation": "none")`,
    );
  });

  it('write_manifest.py sees the wrapped softmax (activation none), and models validate accepts the manifest', async () => {
    const manifest = path.join(folder, 'cwh11.manifest.json');
    const written = python(
      WRITE_MANIFEST,
      wrapCwh(11).wrapped,
      '--out',
      manifest,
      '--classes',
      'background,liver,spleen',
    );
    expect(written.code).toBe(0);
    const { segmenter } = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(segmenter).toMatchObject({
      file: 'cwh11.wrapped.onnx',
      layout: 'NCHW',
      inputName: 'image',
      outputName: 'probabilities',
      size: { mode: 'fixed', shape: [6, 8] },
      activation: 'none',
    });
    const validated = await runCli('models', 'validate', manifest);
    expect(validated.stderr).toBe('');
    expect(validated.code).toBe(0);
    expect(validated.stdout.split('\n')[0]).toBe(
      `${manifest}: valid (NCHW, orientation native, array convention itk, classes background, liver, spleen; ran on cpu).`,
    );
  });

  describe('refuses bad flags with a message, and writes nothing', () => {
    let original: string;
    beforeAll(() => {
      original = generate('bad.onnx', 'cwh', 17);
    });

    it.each([
      [
        ['--input-flip', '4'],
        'error: --input-flip: axis 4 is out of range for "x_cwh", of rank 4 (axes 0..3).',
      ],
      [['--output-flip', '0'], 'error: --output-flip: axis 0 is the batch axis, which is not flipped'],
      [['--input-transpose', '0,1,1,2'], 'error: --input-transpose 0,1,1,2 is not a permutation of 0..3'],
      [
        ['--output-transpose', '0,2,1'],
        'error: --output-transpose 0,2,1 has 3 axes but "logits" has rank 4; give a permutation of 0..3.',
      ],
      [
        ['--input-transpose', '0,x'],
        "argument --input-transpose: '0,x' is not a comma-separated list of integers",
      ],
      [['--output-flip', ''], "argument --output-flip: '' is not a comma-separated list of integers"],
      [
        ['--input', 'img', '--softmax'],
        `bad.onnx has no input "img"; its inputs are: x_cwh ['batch', 2, 8, 6].`,
      ],
      [
        ['--output', 'probs', '--softmax'],
        `has no output "probs"; its outputs are: logits ['batch', 3, 8, 6].`,
      ],
      [
        ['--rename-input', 'logits'],
        'error: cannot rename "x_cwh" to "logits": the graph already has a tensor "logits".',
      ],
      [[], 'error: nothing to do: give at least one of --input-flip'],
    ])('%j', (flags, message) => {
      const wrapped = path.join(folder, 'bad.wrapped.onnx');
      const result = python(WRAP, 'wrap', original, '--out', wrapped, ...flags);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(existsSync(wrapped)).toBe(false);
    });

    it('a flip of a dynamic axis before opset 10 (no Slice steps, no length for Gather)', () => {
      const original = generate('dynamic9.onnx', 'dynamic', 9);
      const wrapped = path.join(folder, 'dynamic9.wrapped.onnx');
      const result = python(WRAP, 'wrap', original, '--out', wrapped, '--input-flip', '3');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "error: a flip of axis 3 needs opset >= 10 (Slice with step -1) or a fixed length on that axis (Gather); this model has opset 9 and the axis is 'height'.",
      );
      expect(existsSync(wrapped)).toBe(false);
    });
  });
});
