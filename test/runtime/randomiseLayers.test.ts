import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as ortNode from 'onnxruntime-node';
import { tmpdir } from 'os';
import * as path from 'path';
import { cascadeSteps } from '../../extension/src/runtime/onnx/cascadeSteps';
import { parameterLayers } from '../../extension/src/runtime/onnx/parameterLayers';
import { randomiseLayers } from '../../extension/src/runtime/onnx/randomiseLayers';
import { fixture } from '../helpers/plantedImage';

/**
 * The ONNX parameter randomisation walks the model's protobuf bytes and overwrites float32 weights
 * in place. Checked against Debian python's onnx: a model of every layer kind, with weights as
 * raw_data and as float_data, is randomised here; onnx loads and checks the copy, and says which
 * initializers changed: every layer's parameters, never BatchNormalization's running statistics,
 * a non-layer constant or an int64 shape.
 */
const PYTHON = '/usr/bin/python3';

/** argv: out path. Conv → BatchNormalization → Mul (constant) → Reshape → MatMul (float_data) → Add (bias) → Gemm. */
const GENERATE = `
import sys
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
rng = np.random.default_rng(1)
arr = lambda name, *shape: numpy_helper.from_array(rng.normal(size=shape).astype(np.float32), name)
inits = [
    arr("conv_w", 4, 1, 3, 3), arr("conv_b", 4),
    arr("bn_scale", 4), arr("bn_bias", 4), arr("bn_mean", 4),
    numpy_helper.from_array(rng.uniform(0.5, 2, size=4).astype(np.float32), "bn_var"),
    numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half"),
    numpy_helper.from_array(np.array([-1, 64], dtype=np.int64), "flat_shape"),
    helper.make_tensor("mm_w", TensorProto.FLOAT, [64, 6], rng.normal(size=64 * 6).astype(np.float32).tolist()),
    arr("add_b", 6), arr("gemm_w", 6, 2), arr("gemm_b", 2),
]
assert len(inits[8].float_data) == 64 * 6 and not inits[8].raw_data
nodes = [
    helper.make_node("Conv", ["x", "conv_w", "conv_b"], ["c"], pads=[1, 1, 1, 1], name="conv"),
    helper.make_node("BatchNormalization", ["c", "bn_scale", "bn_bias", "bn_mean", "bn_var"], ["n"], name="bn"),
    helper.make_node("Mul", ["n", "half"], ["m"], name="scale"),
    helper.make_node("Reshape", ["m", "flat_shape"], ["f"], name="flatten"),
    helper.make_node("MatMul", ["f", "mm_w"], ["h"], name="mm"),
    helper.make_node("Add", ["h", "add_b"], ["hb"], name="mm_bias"),
    helper.make_node("Gemm", ["hb", "gemm_w", "gemm_b"], ["y"]),
]
graph = helper.make_graph(nodes, "mixed",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, sys.argv[1])
`;

/** argv: original, randomised. Prints {initializer: changed} after checking the randomised model. */
const COMPARE = `
import json, sys
import numpy as np
import onnx
from onnx import numpy_helper
original, randomised = (onnx.load(p) for p in sys.argv[1:3])
onnx.checker.check_model(randomised, full_check=True)
before = {t.name: numpy_helper.to_array(t) for t in original.graph.initializer}
after = {t.name: numpy_helper.to_array(t) for t in randomised.graph.initializer}
assert before.keys() == after.keys()
assert all(before[n].shape == after[n].shape and before[n].dtype == after[n].dtype for n in before)
print(json.dumps({n: bool(not np.array_equal(before[n], after[n])) for n in before}))
`;

const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx']).status === 0;
const describeWithOnnx = hasOnnx ? describe : describe.skip;
if (!hasOnnx) {
  console.warn(
    `Skipping the ONNX randomisation check: ${PYTHON} cannot import onnx (apt install python3-onnx).`,
  );
}

function python(script: string, ...args: string[]): string {
  const run = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python failed: ${run.stderr}`);
  return run.stdout;
}

describeWithOnnx('randomiseLayers: ONNX weights re-drawn in place', () => {
  let folder: string;
  let original: Uint8Array;
  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'xai-clip-randomise-'));
    python(GENERATE, path.join(folder, 'mixed.onnx'));
    original = new Uint8Array(readFileSync(path.join(folder, 'mixed.onnx')));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('finds the layers in graph order with their parameters, without BN running statistics', () => {
    const layers = parameterLayers(original);
    expect(layers.map((l) => [l.name, l.opType, l.tensors.map((t) => `${t.name}:${t.count}`)])).toEqual([
      ['conv', 'Conv', ['conv_w:36', 'conv_b:4']],
      ['bn', 'BatchNormalization', ['bn_scale:4', 'bn_bias:4']],
      ['mm', 'MatMul', ['mm_w:384']],
      ['mm_bias', 'Add', ['add_b:6']],
      ['Gemm #6', 'Gemm', ['gemm_w:12', 'gemm_b:2']],
    ]);
    // float_data written value by value (unpacked, python onnx 1.12) or packed: runs cover all 384 values.
    expect(layers[2].tensors[0].runs.reduce((n, run) => n + run.count, 0)).toBe(384);
  });

  it('cuts the layers into steps from the top: 5 layers in 3 steps are [2, 2, 1] from the output end', () => {
    const steps = cascadeSteps(parameterLayers(original), 3).map((step) => step.map((l) => l.name));
    expect(steps).toEqual([['Gemm #6', 'mm_bias'], ['mm', 'bn'], ['conv']]);
    expect(cascadeSteps(parameterLayers(original), 9)).toHaveLength(5);
    expect(() => cascadeSteps([], 0)).toThrow(/whole number of steps/);
  });

  it('onnx loads and checks the randomised copy; exactly the chosen layers changed, the original is untouched', () => {
    const layers = parameterLayers(original);
    const kept = original.slice();
    const top = randomiseLayers(original, cascadeSteps(layers, 3)[0], 5);
    const all = randomiseLayers(original, layers, 5);
    expect(original).toEqual(kept);
    expect(all.length).toBe(original.length);
    writeFileSync(path.join(folder, 'top.onnx'), top);
    writeFileSync(path.join(folder, 'all.onnx'), all);
    const changed = (file: string) =>
      JSON.parse(python(COMPARE, path.join(folder, 'mixed.onnx'), path.join(folder, file)));
    const untouched = { bn_mean: false, bn_var: false, half: false, flat_shape: false };
    expect(changed('top.onnx')).toEqual({
      ...untouched,
      conv_w: false,
      conv_b: false,
      bn_scale: false,
      bn_bias: false,
      mm_w: false,
      add_b: true,
      gemm_w: true,
      gemm_b: true,
    });
    expect(changed('all.onnx')).toEqual({
      ...untouched,
      conv_w: true,
      conv_b: true,
      bn_scale: true,
      bn_bias: true,
      mm_w: true,
      add_b: true,
      gemm_w: true,
      gemm_b: true,
    });
  });

  it('draws each tensor from its own mean and spread, the same draws at every cascade step and seed', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('dense2d.onnx')));
    const layers = parameterLayers(bytes);
    expect(layers.map((l) => l.name)).toEqual(['dense1', 'dense2']);
    const valuesOf = (model: Uint8Array, layer: number) => {
      const { offset, count } = parameterLayers(model)[layer].tensors[0].runs[0];
      return new Float32Array(model.slice(offset, offset + 4 * count).buffer);
    };
    const [before, after] = [valuesOf(bytes, 0), valuesOf(randomiseLayers(bytes, layers, 3), 0)];
    const stats = (v: Float32Array) => {
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) };
    };
    // dense1: 4096 × 8 weights, non-zero on S's 256 pixels only; the draws spread over all of them.
    expect(before.filter((w) => w !== 0).length).toBe(256 * 8);
    expect(after.filter((w) => w !== 0).length).toBe(4096 * 8);
    expect(stats(after).std).toBeCloseTo(stats(before).std, 3);
    expect(Math.abs(stats(after).mean - stats(before).mean)).toBeLessThan(0.05 * stats(before).std);
    // dense1 randomised alone or with dense2: the same values; another seed: others.
    expect(valuesOf(randomiseLayers(bytes, [layers[0]], 3), 0)).toEqual(after);
    expect(valuesOf(randomiseLayers(bytes, layers, 4), 0)).not.toEqual(after);
    // ONNX Runtime runs the copy.
    const session = await ortNode.InferenceSession.create(randomiseLayers(bytes, layers, 3));
    const image = new ortNode.Tensor('float32', new Float32Array(64 * 64).fill(0.5), [1, 1, 64, 64]);
    const { logits } = await session.run({ image });
    expect(logits.dims).toEqual([1, 2, 64, 64]);
    await session.release();
  });

  it('names a file that is no ONNX model', () => {
    expect(() => parameterLayers(new Uint8Array([8, 1]))).toThrow(/no graph/);
    expect(() => parameterLayers(new Uint8Array([0x3a, 50, 1]))).toThrow(/Malformed protobuf/);
  });
});
