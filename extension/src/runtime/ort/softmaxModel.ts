/**
 * A tiny ONNX model (opset 13) that applies a softmax over axis 1 (classes) of a float tensor of
 * the given rank (dynamic dimensions): `logits` → `probabilities`, written out as
 * exp(x − ReduceMax(x)) / ReduceSum(exp(x − ReduceMax(x))) so that ONNX Runtime runs it with
 * vectorised element-wise kernels (its Softmax op transposes for a non-last axis). Running the
 * segmenter's activation here rather than in JavaScript removes the largest part of the
 * runtime's own work per forward pass.
 *
 * The model is encoded by hand (a few protobuf fields) so the runtime needs no ONNX library.
 */
export function softmaxOverClassesModel(rank: number): Uint8Array {
  // TypeProto.tensor_type { elem_type: FLOAT, shape: rank named (dynamic) dimensions }
  const shape = message(
    2,
    Array.from({ length: rank }, (_, n) => message(1, [string(2, `d${n}`)])),
  );
  const tensorType = message(1, [int(1, FLOAT), shape]);
  const valueInfo = (field: number, name: string) =>
    message(field, [string(1, name), message(2, [tensorType])]);
  const node = (opType: string, inputs: string[], outputs: string[], attributes: Uint8Array[] = []) =>
    message(1, [
      ...inputs.map((name) => string(1, name)),
      ...outputs.map((name) => string(2, name)),
      string(4, opType),
      ...attributes,
    ]);
  const intAttribute = (name: string, value: number) =>
    message(5, [string(1, name), int(3, value), int(20, INT)]);
  const intsAttribute = (name: string, values: number[]) =>
    message(5, [string(1, name), ...values.map((v) => int(8, v)), int(20, INTS)]);
  const axes = message(5, [int(1, 1), int(2, INT64), int(7, 1), string(8, 'axes')]); // initializer [1]
  const graph = message(7, [
    node('ReduceMax', ['logits'], ['top'], [intsAttribute('axes', [1]), intAttribute('keepdims', 1)]),
    node('Sub', ['logits', 'top'], ['shifted']),
    node('Exp', ['shifted'], ['e']),
    node('ReduceSum', ['e', 'axes'], ['total'], [intAttribute('keepdims', 1)]),
    node('Div', ['e', 'total'], ['probabilities']),
    string(2, 'softmax_over_classes'),
    axes,
    valueInfo(11, 'logits'),
    valueInfo(12, 'probabilities'),
  ]);
  return concat([int(1, 8), string(2, 'xai-clip'), graph, message(8, [int(2, 13)])]);
}

// ONNX enum values (onnx.proto): TensorProto.DataType and AttributeProto.AttributeType.
const FLOAT = 1;
const INT64 = 7;
const INT = 2;
const INTS = 7;

/** A protobuf varint field (wire type 0). */
function int(field: number, value: number): Uint8Array {
  return concat([varint(field << 3), varint(value)]);
}

/** A length-delimited field (wire type 2) holding UTF-8 text. */
function string(field: number, text: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(text));
}

/** A length-delimited field holding an embedded message made of `parts`. */
function message(field: number, parts: Uint8Array[]): Uint8Array {
  return bytesField(field, concat(parts));
}

function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let rest = value;
  while (rest > 127) {
    out.push((rest & 127) | 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
