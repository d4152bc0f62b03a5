#!/usr/bin/env node
/**
 * torch vs onnxruntime-node parity of the exported CLIP towers on their golden pairs:
 *   node models/train/check_clip_onnx.js [models/chaos-clip]
 * Runs golden/*.bin through clip_image.onnx and clip_text.onnx at the golden batch and at batch 1
 * (the batch axis is dynamic), prints the max |difference| per output as JSON on the last line and
 * exits 1 when one exceeds golden.json's tolerance.
 */
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');
const ort = require(path.join(repo, 'node_modules', 'onnxruntime-node'));

function read(dir, spec, type) {
  const bytes = fs.readFileSync(path.join(dir, 'golden', spec.file));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return type === 'int64' ? new BigInt64Array(buffer) : new Float32Array(buffer);
}

function maxDifference(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let n = 0; n < a.length; n++) max = Math.max(max, Math.abs(a[n] - b[n]));
  return max;
}

async function run(dir, tower, type) {
  const session = await ort.InferenceSession.create(path.join(dir, tower.file));
  const input = read(dir, tower.input, type);
  const shape = tower.input.shape;
  const result = {};
  const outputs = await session.run({ [tower.input.name]: new ort.Tensor(type, input, shape) });
  for (const [name, spec] of Object.entries(tower.outputs)) {
    result[name] = maxDifference(outputs[name].data, read(dir, spec, 'float32'));
  }
  // Batch 1, item by item: the dynamic batch axis gives the same numbers.
  const per = input.length / shape[0];
  for (let b = 0; b < shape[0]; b++) {
    const one = await session.run({
      [tower.input.name]: new ort.Tensor(type, input.slice(b * per, (b + 1) * per), [1, ...shape.slice(1)]),
    });
    for (const [name, spec] of Object.entries(tower.outputs)) {
      const expected = read(dir, spec, 'float32');
      const size = expected.length / shape[0];
      const difference = maxDifference(one[name].data, expected.subarray(b * size, (b + 1) * size));
      result[`${name}@b1`] = Math.max(result[`${name}@b1`] ?? 0, difference);
    }
  }
  return result;
}

async function main() {
  const dir = path.resolve(process.argv[2] ?? path.join(repo, 'models', 'chaos-clip'));
  const golden = JSON.parse(fs.readFileSync(path.join(dir, 'golden', 'golden.json'), 'utf8'));
  const result = {
    ...(await run(dir, golden.image, 'float32')),
    ...(await run(dir, golden.text, 'int64')),
  };
  const worst = Math.max(...Object.values(result));
  console.log(JSON.stringify({ ...result, tolerance: golden.tolerance, ok: worst <= golden.tolerance }));
  if (worst > golden.tolerance) process.exit(1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
