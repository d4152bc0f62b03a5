import { createRandom } from '../../engine/util/random';
import { FloatTensor, ParameterLayer } from './parameterLayers';

/**
 * A copy of the ONNX model `model` with the float32 parameters of `layers` replaced by Gaussian
 * draws with each tensor's own mean and standard deviation (Adebayo et al. 2018's model-parameter
 * randomisation). The values are overwritten where they lie, same length, so the copy is a valid
 * model without re-serialising it. A tensor's draws depend only on `seed` and its name: a cascade
 * that randomises more layers step by step keeps the values of the layers randomised before.
 */
export function randomiseLayers(model: Uint8Array, layers: ParameterLayer[], seed: number): Uint8Array {
  const copy = model.slice();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  for (const layer of layers) for (const tensor of layer.tensors) randomiseTensor(view, tensor, seed);
  return copy;
}

function randomiseTensor(view: DataView, tensor: FloatTensor, seed: number): void {
  let sum = 0;
  let squares = 0;
  forEachValue(tensor, (at) => {
    const value = view.getFloat32(at, true);
    sum += value;
    squares += value * value;
  });
  const mean = sum / tensor.count;
  const std = Math.sqrt(Math.max(0, squares / tensor.count - mean * mean));
  const random = createRandom(seed ^ nameHash(tensor.name));
  forEachValue(tensor, (at) => view.setFloat32(at, mean + std * standardNormal(random), true));
}

function forEachValue(tensor: FloatTensor, visit: (byteOffset: number) => void): void {
  for (const run of tensor.runs) for (let n = 0; n < run.count; n++) visit(run.offset + 4 * n);
}

/** A standard normal draw (Box–Muller). */
function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** FNV-1a of a tensor name: its own random stream, whatever the order tensors are visited in. */
function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  for (let n = 0; n < name.length; n++) hash = Math.imul(hash ^ name.charCodeAt(n), 0x01000193);
  return hash >>> 0;
}
