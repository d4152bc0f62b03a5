import { protobufFields, ProtobufField } from './protobufFields';

/** Where a float32 tensor's values lie in the model's bytes: runs of little-endian floats. */
export interface FloatTensor {
  name: string;
  /** Byte offset and value count of each run (raw_data or packed float_data: one run). */
  runs: { offset: number; count: number }[];
  count: number;
}

/** A node that carries float32 parameters (weights, biases, norm scales): one "layer" of the network. */
export interface ParameterLayer {
  name: string;
  opType: string;
  tensors: FloatTensor[];
}

// ONNX field numbers (onnx.proto).
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_INPUT = 1;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const TENSOR_DATA_TYPE = 2;
const TENSOR_FLOAT_DATA = 4;
const TENSOR_NAME = 8;
const TENSOR_RAW_DATA = 9;
const TENSOR_DATA_LOCATION = 14;
const FLOAT = 1;
const EXTERNAL = 1;

/**
 * The inputs of each layer-like operator that are parameters. Normalisations give their scale and
 * bias only: BatchNormalization's running mean and variance (inputs 3, 4) are statistics of the
 * training data, not learned weights (Adebayo et al. re-initialise the learned ones).
 */
const PARAMETER_INPUTS: Record<string, number[]> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  Gemm: [0, 1, 2],
  MatMul: [0, 1],
  BatchNormalization: [1, 2],
  LayerNormalization: [1, 2],
  InstanceNormalization: [1, 2],
  Add: [0, 1],
};

const text = new TextDecoder();

/**
 * The layers of an ONNX model in graph (topological) order: its nodes of a layer-like operator
 * with float32 initializers among their parameter inputs, each tensor given to the first layer
 * that reads it. The model's bytes are only read (see protobufFields); tensors stored outside the
 * file or in another type are not listed.
 */
export function parameterLayers(model: Uint8Array): ParameterLayer[] {
  const graph = fieldsOf(model, 0, model.length).find((f) => f.field === MODEL_GRAPH && f.wire === 2);
  if (!graph) throw new Error('The ONNX model has no graph (ModelProto field 7): is it an ONNX file?');
  const graphFields = fieldsOf(model, graph.start, graph.end);
  const tensors = new Map<string, FloatTensor>();
  for (const f of graphFields) {
    if (f.field !== GRAPH_INITIALIZER || f.wire !== 2) continue;
    const tensor = floatTensor(model, f);
    if (tensor) tensors.set(tensor.name, tensor);
  }
  const claimed = new Set<string>();
  const layers: ParameterLayer[] = [];
  let index = 0;
  for (const f of graphFields) {
    if (f.field !== GRAPH_NODE || f.wire !== 2) continue;
    const node = nodeOf(model, f);
    const at = index++;
    const parameters = (PARAMETER_INPUTS[node.opType] ?? [])
      .map((n) => node.inputs[n])
      .filter((name) => name !== undefined && tensors.has(name) && !claimed.has(name));
    if (parameters.length === 0) continue;
    parameters.forEach((name) => claimed.add(name));
    layers.push({
      name: node.name || `${node.opType} #${at}`,
      opType: node.opType,
      tensors: parameters.map((name) => tensors.get(name)!),
    });
  }
  return layers;
}

function fieldsOf(bytes: Uint8Array, start: number, end: number): ProtobufField[] {
  return [...protobufFields(bytes, start, end)];
}

function nodeOf(bytes: Uint8Array, node: ProtobufField): { name: string; opType: string; inputs: string[] } {
  const out = { name: '', opType: '', inputs: [] as string[] };
  for (const f of protobufFields(bytes, node.start, node.end)) {
    if (f.wire !== 2) continue;
    const value = () => text.decode(bytes.subarray(f.start, f.end));
    if (f.field === NODE_INPUT) out.inputs.push(value());
    else if (f.field === NODE_NAME) out.name = value();
    else if (f.field === NODE_OP_TYPE) out.opType = value();
  }
  return out;
}

/** A float32 initializer stored in the file, with where its values lie; null for any other. */
function floatTensor(bytes: Uint8Array, tensor: ProtobufField): FloatTensor | null {
  let name = '';
  let dataType = 0;
  let external = false;
  const runs: FloatTensor['runs'] = [];
  for (const f of protobufFields(bytes, tensor.start, tensor.end)) {
    if (f.field === TENSOR_NAME && f.wire === 2) name = text.decode(bytes.subarray(f.start, f.end));
    else if (f.field === TENSOR_DATA_TYPE && f.wire === 0) dataType = f.varint!;
    else if (f.field === TENSOR_DATA_LOCATION && f.wire === 0) external = f.varint === EXTERNAL;
    // raw_data, packed float_data (wire 2), or unpacked float_data (one fixed32 per value).
    else if (
      (f.field === TENSOR_RAW_DATA || f.field === TENSOR_FLOAT_DATA) &&
      (f.wire === 2 || f.wire === 5)
    ) {
      runs.push({ offset: f.start, count: (f.end - f.start) / 4 });
    }
  }
  const count = runs.reduce((sum, run) => sum + run.count, 0);
  if (dataType !== FLOAT || external || count === 0) return null;
  return { name, runs, count };
}
