#!/usr/bin/env python3
"""Inspect an ONNX segmenter, or wrap it so that it fits an XAI-CLIP manifest without its source.

    /usr/bin/python3 models/export/wrap_onnx.py inspect model.onnx
    /usr/bin/python3 models/export/wrap_onnx.py wrap model.onnx --out wrapped.onnx \
        --input-transpose 0,2,3,1 --output-transpose 0,3,1,2 --softmax \
        --rename-input image --rename-output probabilities

`inspect` prints the opset, the inputs and outputs (name, type, shape), the node that makes each
output, and whether the weights are external data.

`wrap` adds nodes around one input and one output, in the model's own opset:

  wrapped input (NCHW / NCDHW, as the runtime sends it)
    → --input-flip (axes of the wrapped input) → --input-transpose → the model's input
  the model's output
    → --output-transpose → --output-flip (axes of the wrapped output) → --softmax over axis 1
    → wrapped output ([batch, classes, (D,) H, W], as the runtime reads it)

A transpose permutation P has numpy.transpose / torch.permute semantics: axis a of the result
is axis P[a] of the tensor transposed. So a channels-last model, [batch, H, W, C], takes
--input-transpose 0,2,3,1 and gives back NCHW with --output-transpose 0,3,1,2 (3-D:
0,2,3,4,1 and 0,4,1,2,3); a [batch, C, W, H] model takes 0,1,3,2 both ways.

ONNX has no Flip: a flip is a Slice with step -1 (opset >= 10), or a Gather with reversed
indices (opset < 10, static axes only). Softmax before opset 13 flattens the axes from `axis`
on, so there the class axis is moved last, softmaxed and moved back. External weights are kept
as external data beside the output (<out>.data). The result passes onnx.checker and strict
shape inference before it is written.

Needs only Debian's python3-onnx (and numpy).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import (_get_all_tensors, load_external_data_for_model,
                                       set_external_data, uses_external_data)

PROG = "wrap_onnx.py"
INT64_MIN = np.iinfo(np.int64).min
FLOAT_TYPES = {TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.FLOAT16, TensorProto.BFLOAT16}
LAYOUTS = {4: "NCHW", 5: "NCDHW"}
# Ops that only move values around: an output still "ends in a Softmax" through them. The
# wrapper's own flips (its nodes are named xai_clip_wrap/…) count too.
LAYOUT_OPS = ("Transpose", "Identity")
WRAPPER_FLIPS = ("Slice", "Gather")
NODE_PREFIX = "xai_clip_wrap/"
METADATA_KEY = "xai_clip.wrap_onnx"


class WrapError(Exception):
    """A flag or a model that cannot be wrapped as asked; the message says why."""


def fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    sys.exit(2)


# ---------------------------------------------------------------- reading a model


def dims(value: onnx.ValueInfoProto) -> list | None:
    """Declared shape: ints for fixed axes, names (or "?") for dynamic ones; None if no shape."""
    tensor = value.type.tensor_type
    if not tensor.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in tensor.shape.dim]


def type_name(value: onnx.ValueInfoProto) -> str:
    return TensorProto.DataType.Name(value.type.tensor_type.elem_type).lower()


def real_inputs(graph: onnx.GraphProto) -> list:
    weights = {init.name for init in graph.initializer}
    return [v for v in graph.input if v.name not in weights]


def signature(values: list) -> str:
    return ", ".join(f"{v.name} {dims(v)}" for v in values)


def ai_onnx_opset(model: onnx.ModelProto) -> int:
    for opset in model.opset_import:
        if opset.domain in ("", "ai.onnx"):
            return opset.version
    raise WrapError("the model imports no ai.onnx opset, so there is no opset to add nodes in.")


def load(path: str) -> onnx.ModelProto:
    """The model without its external data (read later, if needed), or WrapError saying why not."""
    try:
        return onnx.load(path, load_external_data=False)
    except OSError as error:
        raise WrapError(f"cannot read {path}: {error.strerror or error}.")
    except Exception as error:  # protobuf's DecodeError and kin
        raise WrapError(f"{path} is not an ONNX model ({type(error).__name__}: {error}).")


def producer(graph: onnx.GraphProto, name: str):
    return next((node for node in graph.node if name in node.output), None)


def final_activation(graph: onnx.GraphProto, name: str) -> str | None:
    """"Softmax" or "Sigmoid" if `name` comes from one, through layout-only ops; else None."""
    node = producer(graph, name)
    while node is not None and (node.op_type in LAYOUT_OPS or (
            node.op_type in WRAPPER_FLIPS and node.name.startswith(NODE_PREFIX))):
        node = producer(graph, node.input[0])
    return node.op_type if node is not None and node.op_type in ("Softmax", "Sigmoid") else None


def external_tensors(model: onnx.ModelProto) -> list:
    """The tensors (initializers and attributes, subgraphs included) stored as external data."""
    return [tensor for tensor in _get_all_tensors(model) if uses_external_data(tensor)]


def external_files(model: onnx.ModelProto) -> list:
    return sorted({entry.value for tensor in external_tensors(model)
                   for entry in tensor.external_data if entry.key == "location"})


def subgraphs(graph: onnx.GraphProto):
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield attribute.g
            elif attribute.type == onnx.AttributeProto.GRAPHS:
                yield from attribute.graphs


def all_names(graph: onnx.GraphProto, tensors: set, nodes: set) -> None:
    """Every tensor and node name in the graph and its subgraphs."""
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        tensors.add(value.name)
    tensors.update(init.name for init in graph.initializer)
    for node in graph.node:
        tensors.update(node.input)
        tensors.update(node.output)
        nodes.add(node.name)
    for sub in subgraphs(graph):
        all_names(sub, tensors, nodes)


def rename(graph: onnx.GraphProto, old: str, new: str) -> None:
    """Renames every reference to tensor `old` (node inputs and outputs, value_info, outputs)."""
    for node in graph.node:
        node.input[:] = [new if name == old else name for name in node.input]
        node.output[:] = [new if name == old else name for name in node.output]
    for value in list(graph.value_info) + list(graph.output):
        if value.name == old:
            value.name = new
    for sub in subgraphs(graph):
        rename(sub, old, new)


def inspect(path: str) -> None:
    model = load(path)
    graph = model.graph
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    print(f"{path}: opset {opsets}; IR version {model.ir_version}"
          + (f"; producer {model.producer_name} {model.producer_version}".rstrip()
             if model.producer_name else ""))
    for value in real_inputs(graph):
        shape = dims(value)
        print(f"  input {value.name} {type_name(value)} {shape}")
        print(f"    {layout_hint(shape)}")
    for value in graph.output:
        node = producer(graph, value.name)
        made_by = f"made by {node.op_type}" if node is not None else "not made by a node"
        activation = final_activation(graph, value.name)
        ends = (f'; ends in its {activation}: "activation": "none"' if activation
                else '; no final Softmax or Sigmoid: logits? "activation": "softmax", or wrap with --softmax')
        print(f"  output {value.name} {type_name(value)} {dims(value)} ({made_by}{ends})")
    files = external_files(model)
    print(f"  weights: external data in {', '.join(files)}" if files else "  weights: inside the file")


def layout_hint(shape: list | None) -> str:
    if shape is None:
        return "no declared shape: the runtime needs a rank-4 (NCHW) or rank-5 (NCDHW) input"
    if len(shape) not in LAYOUTS:
        return f"rank {len(shape)}: the runtime needs rank 4 (NCHW) or 5 (NCDHW)"
    layout = LAYOUTS[len(shape)]
    last, second = shape[-1], shape[1]
    if isinstance(last, int) and last <= 4 and not (isinstance(second, int) and second <= last):
        perm_in = "0,2,3,1" if len(shape) == 4 else "0,2,3,4,1"
        perm_out = "0,3,1,2" if len(shape) == 4 else "0,4,1,2,3"
        return (f"rank {len(shape)}, last axis {last}: channels-last? Then wrap with "
                f"--input-transpose {perm_in} (and --output-transpose {perm_out} if the output is too)")
    return (f"rank {len(shape)}: {layout} if axis 1 is the channels and the spatial axes are "
            f"{'D, H, W' if len(shape) == 5 else 'H, W'} (other orders: declare arrayConvention, or "
            "wrap with --input-transpose)")


# ---------------------------------------------------------------- flags


def int_list(text: str) -> list:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of integers")
    return values


def check_permutation(flag: str, perm: list, name: str, rank: int) -> None:
    if len(perm) != rank:
        raise WrapError(f'{flag} {",".join(map(str, perm))} has {len(perm)} axes but "{name}" has '
                        f"rank {rank}; give a permutation of 0..{rank - 1}.")
    if sorted(perm) != list(range(rank)):
        raise WrapError(f'{flag} {",".join(map(str, perm))} is not a permutation of 0..{rank - 1} '
                        "(each axis exactly once).")


def check_axes(flag: str, axes: list, name: str, rank: int) -> None:
    for axis in axes:
        if not 0 <= axis < rank:
            raise WrapError(f'{flag}: axis {axis} is out of range for "{name}", of rank {rank} '
                            f"(axes 0..{rank - 1}).")
        if axis == 0:
            raise WrapError(f"{flag}: axis 0 is the batch axis, which is not flipped (the batch "
                            "holds independent images).")
    if len(set(axes)) != len(axes):
        raise WrapError(f"{flag}: axis listed twice in {','.join(map(str, axes))}.")


# ---------------------------------------------------------------- building the wrapper


class Builder:
    """Appends nodes in the model's opset, with fresh tensor and node names."""

    def __init__(self, model: onnx.ModelProto):
        self.opset = ai_onnx_opset(model)
        self.tensors: set = set()
        self.nodes: set = set()
        all_names(model.graph, self.tensors, self.nodes)

    def fresh(self, base: str, names: set) -> str:
        name, n = base, 1
        while name in names or name == "":
            name, n = f"{base}_{n}", n + 1
        names.add(name)
        return name

    def tensor(self, base: str) -> str:
        return self.fresh(base, self.tensors)

    def node(self, op: str, inputs: list, outputs: list, **attributes) -> onnx.NodeProto:
        return helper.make_node(op, inputs, outputs, name=self.fresh(f"{NODE_PREFIX}{op}", self.nodes),
                                **attributes)

    def constant(self, base: str, values: np.ndarray) -> tuple:
        name = self.tensor(base)
        return name, self.node("Constant", [], [name], value=numpy_helper.from_array(values, name))

    def chain(self, source: str, target: str, steps: list, shape: list) -> list:
        """Nodes that take `source` through `steps` (("transpose", perm) | ("flip", axes) |
        ("softmax", None)) into `target`; `shape` is the source's declared dims."""
        nodes, current = [], source
        for index, (kind, value) in enumerate(steps):
            last = index == len(steps) - 1
            out = target if last else self.tensor(f"{target}_{kind}")
            if kind == "transpose":
                nodes.append(self.node("Transpose", [current], [out], perm=value))
                shape = [shape[p] for p in value]
            elif kind == "flip":
                nodes += self.flip(current, out, value, shape)
            else:
                nodes += self.softmax(current, out, len(shape))
            current = out
        return nodes

    def flip(self, source: str, target: str, axes: list, shape: list) -> list:
        if self.opset >= 10:
            count = len(axes)
            starts, n1 = self.constant(f"{target}_starts", np.full(count, -1, np.int64))
            ends, n2 = self.constant(f"{target}_ends", np.full(count, INT64_MIN, np.int64))
            axes_name, n3 = self.constant(f"{target}_axes", np.array(axes, np.int64))
            steps, n4 = self.constant(f"{target}_steps", np.full(count, -1, np.int64))
            return [n1, n2, n3, n4,
                    self.node("Slice", [source, starts, ends, axes_name, steps], [target])]
        nodes, current = [], source
        for index, axis in enumerate(axes):
            length = shape[axis]
            if not isinstance(length, int) or length <= 0:
                raise WrapError(f"a flip of axis {axis} needs opset >= 10 (Slice with step -1) or a "
                                f"fixed length on that axis (Gather); this model has opset "
                                f"{self.opset} and the axis is {length!r}. Convert it first: "
                                "onnx.version_converter.convert_version(model, 13).")
            out = target if index == len(axes) - 1 else self.tensor(f"{target}_flip{axis}")
            indices, constant = self.constant(f"{target}_reversed{axis}",
                                              np.arange(length - 1, -1, -1, dtype=np.int64))
            nodes += [constant, self.node("Gather", [current, indices], [out], axis=axis)]
            current = out
        return nodes

    def softmax(self, source: str, target: str, rank: int) -> list:
        if self.opset >= 13:
            return [self.node("Softmax", [source], [target], axis=1)]
        # Softmax-1/11 normalises over all the axes from `axis` on: move the classes last.
        to_last = [0] + list(range(2, rank)) + [1]
        back = [0, rank - 1] + list(range(1, rank - 1))
        moved, normalised = self.tensor(f"{target}_classes_last"), self.tensor(f"{target}_softmax")
        return [self.node("Transpose", [source], [moved], perm=to_last),
                self.node("Softmax", [moved], [normalised], axis=rank - 1),
                self.node("Transpose", [normalised], [target], perm=back)]


def value_info(name: str, like: onnx.ValueInfoProto, shape: list | None) -> onnx.ValueInfoProto:
    """A value info of `like`'s element type with the dims `shape` (Dimension protos)."""
    value = onnx.ValueInfoProto(name=name)
    value.type.tensor_type.elem_type = like.type.tensor_type.elem_type
    if shape is not None:
        value.type.tensor_type.shape.SetInParent()
        for dim in shape:
            value.type.tensor_type.shape.dim.add().CopyFrom(dim)
    return value


def pick(values: list, wanted: str | None, role: str, flag: str, path: str) -> onnx.ValueInfoProto:
    if wanted is not None:
        found = next((v for v in values if v.name == wanted), None)
        if found is None:
            raise WrapError(f'{path} has no {role} "{wanted}"; its {role}s are: {signature(values)}.')
        return found
    if len(values) != 1:
        raise WrapError(f"{path} has {len(values)} {role}s ({signature(values)}); name the one to wrap "
                        f"with {flag}.")
    return values[0]


def wrap(model: onnx.ModelProto, args: argparse.Namespace) -> tuple:
    """Wraps `model` in place as the flags ask; returns the lines saying what was done, and the
    names of the wrapped input and output."""
    graph = model.graph
    builder = Builder(model)
    the_input = pick(real_inputs(graph), args.input, "input", "--input", args.model)
    the_output = pick(list(graph.output), args.output, "output", "--output", args.model)
    in_name, out_name = the_input.name, the_output.name
    in_shape, out_shape = dims(the_input), dims(the_output)

    for new, old in ((args.rename_input, in_name), (args.rename_output, out_name)):
        if new is not None and new != old and new in builder.tensors:
            raise WrapError(f'cannot rename "{old}" to "{new}": the graph already has a tensor "{new}".')
    if args.rename_input is not None and args.rename_input == args.rename_output:
        raise WrapError("--rename-input and --rename-output give the same name.")

    in_steps, out_steps = [], []
    if args.input_flip or args.input_transpose:
        if in_shape is None:
            raise WrapError(f'the input "{in_name}" declares no shape, so its axes are unknown.')
        rank = len(in_shape)
        if args.input_flip:
            check_axes("--input-flip", args.input_flip, in_name, rank)
            in_steps.append(("flip", sorted(args.input_flip)))
        if args.input_transpose:
            check_permutation("--input-transpose", args.input_transpose, in_name, rank)
            in_steps.append(("transpose", args.input_transpose))
    if args.output_transpose or args.output_flip or args.softmax:
        if out_shape is None:
            raise WrapError(f'the output "{out_name}" declares no shape, so its axes are unknown.')
        rank = len(out_shape)
        if args.output_transpose:
            check_permutation("--output-transpose", args.output_transpose, out_name, rank)
            out_steps.append(("transpose", args.output_transpose))
        if args.output_flip:
            check_axes("--output-flip", args.output_flip, out_name, rank)
            out_steps.append(("flip", sorted(args.output_flip)))
        if args.softmax:
            if rank < 2:
                raise WrapError(f'--softmax: "{out_name}" has rank {rank}, with no class axis 1.')
            if the_output.type.tensor_type.elem_type not in FLOAT_TYPES:
                raise WrapError(f'--softmax: "{out_name}" is {type_name(the_output)}, not a float type.')
            if final_activation(graph, out_name) == "Softmax":
                raise WrapError(f'--softmax: "{out_name}" already comes from a Softmax.')
            out_steps.append(("softmax", None))
    if not (in_steps or out_steps or args.rename_input or args.rename_output):
        raise WrapError("nothing to do: give at least one of --input-flip, --input-transpose, "
                        "--output-transpose, --output-flip, --softmax, --rename-input, --rename-output.")

    done = []

    # The input side: nodes from the new graph input to the tensor the model reads.
    new_in = args.rename_input or in_name
    dim_protos = list(the_input.type.tensor_type.shape.dim) if in_shape is not None else None
    if in_steps:
        inverse = None
        for kind, value in in_steps:
            if kind == "transpose":
                inverse = [value.index(a) for a in range(len(value))]
        wrapped_dims = [dim_protos[i] for i in inverse] if inverse else dim_protos
        internal = in_name
        if new_in == in_name:
            internal = builder.tensor(f"{in_name}_model_input")
            rename(graph, in_name, internal)
        nodes = builder.chain(new_in, internal, in_steps, [dim_value(d) for d in wrapped_dims])
        model_nodes = list(graph.node)
        del graph.node[:]
        graph.node.extend(nodes + model_nodes)  # the wrapper's nodes first: topological order
        new_value = value_info(new_in, the_input, wrapped_dims)
        done.append(f'input "{new_in}" {dims(new_value)} → {describe_steps(in_steps, builder.opset)} '
                    f'→ the model\'s "{in_name}" {in_shape}')
    else:
        if new_in != in_name:
            rename(graph, in_name, new_in)
        new_value = value_info(new_in, the_input, dim_protos)
        if new_in != in_name:
            done.append(f'input "{in_name}" renamed "{new_in}"')
    position = list(graph.input).index(the_input)
    graph.input[position].CopyFrom(new_value)

    # The output side: nodes from the model's output tensor to the new graph output.
    new_out = args.rename_output or out_name
    out_dims = list(the_output.type.tensor_type.shape.dim) if out_shape is not None else None
    the_output_copy = onnx.ValueInfoProto()
    the_output_copy.CopyFrom(the_output)
    position = list(graph.output).index(the_output)
    if out_steps:
        internal = out_name
        if new_out == out_name:
            internal = builder.tensor(f"{out_name}_model_output")
        rename(graph, out_name, internal)  # also renames the graph output entry, replaced below
        graph.node.extend(builder.chain(internal, new_out, out_steps, [dim_value(d) for d in out_dims]))
        for kind, value in out_steps:
            if kind == "transpose":
                out_dims = [out_dims[p] for p in value]
        new_value = value_info(new_out, the_output_copy, out_dims)
        done.append(f'the model\'s "{out_name}" {out_shape} → {describe_steps(out_steps, builder.opset)} '
                    f'→ output "{new_out}" {dims(new_value)}')
    else:
        if new_out != out_name:
            rename(graph, out_name, new_out)
        new_value = value_info(new_out, the_output_copy, out_dims)
        if new_out != out_name:
            done.append(f'output "{out_name}" renamed "{new_out}"')
    graph.output[position].CopyFrom(new_value)

    # Provenance: every wrap appends what it did to the model's metadata.
    record = {"input": [in_name, new_in, in_steps], "output": [out_name, new_out, out_steps]}
    entry = next((p for p in model.metadata_props if p.key == METADATA_KEY), None)
    if entry is None:
        entry = model.metadata_props.add(key=METADATA_KEY, value="[]")
    try:
        previous = json.loads(entry.value)
    except ValueError:
        previous = entry.value
    entry.value = json.dumps((previous if isinstance(previous, list) else [previous]) + [record])
    if in_steps or out_steps:
        done.append(f"nodes added in the model's opset {builder.opset}")
    return done, new_in, new_out


def dim_value(dim) -> int | str:
    return dim.dim_value if dim.HasField("dim_value") else (dim.dim_param or "?")


def describe_steps(steps: list, opset: int) -> str:
    parts = []
    for kind, value in steps:
        if kind == "transpose":
            parts.append(f"transpose {value}")
        elif kind == "flip":
            how = "Slice step -1" if opset >= 10 else "Gather, reversed indices"
            parts.append(f"flip axes {value} ({how})")
        else:
            how = "Softmax axis 1" if opset >= 13 else "classes moved last, Softmax, moved back: opset < 13"
            parts.append(f"softmax over axis 1 ({how})")
    return " → ".join(parts)


CHECK_ERRORS = (onnx.checker.ValidationError, onnx.shape_inference.InferenceError)


def save(model: onnx.ModelProto, out: str, external: list) -> str | None:
    """Writes the model; the tensors in `external` (their data loaded) go to <out>.data, the
    rest stays inside. Returns that data file's name, if any."""
    if not external:
        onnx.save(model, out)
        return None
    location = os.path.basename(out) + ".data"
    data_path = os.path.abspath(out) + ".data"
    if os.path.exists(data_path):
        os.remove(data_path)  # onnx would append to it
    for tensor in external:
        set_external_data(tensor, location)
    onnx.save_model(model, out)  # writes the data of the tensors marked external
    return location


def check_saved(out: str) -> onnx.GraphProto:
    """onnx.checker and strict shape inference on the written file (for models over 2 GB)."""
    onnx.checker.check_model(out)
    inferred = out + ".inferred.tmp"
    onnx.shape_inference.infer_shapes_path(out, inferred, True, True)
    try:
        return onnx.load(inferred, load_external_data=False).graph
    finally:
        os.remove(inferred)


def run_wrap(args: argparse.Namespace) -> None:
    if os.path.abspath(args.out) == os.path.abspath(args.model):
        raise WrapError("--out is the input file; write the wrapped model to a new file.")
    model = load(args.model)
    print(f"{args.model}: opset {ai_onnx_opset(model)}, IR version {model.ir_version}")
    source_folder = os.path.dirname(os.path.abspath(args.model))
    files = external_files(model)
    data_path = os.path.abspath(args.out) + ".data"
    if any(os.path.abspath(os.path.join(source_folder, f)) == data_path for f in files):
        raise WrapError(f"the wrapped weights would go to {data_path}, which is the input's own "
                        "external data file; choose another --out.")
    done, input_name, output_name = wrap(model, args)
    for line in done:
        print(f"  {line}")
    external = external_tensors(model)
    if files:
        print(f"  {len(external)} tensors of external data read from {', '.join(files)}")
        load_external_data_for_model(model, source_folder)
    if model.ByteSize() < onnx.checker.MAXIMUM_PROTOBUF:
        try:
            onnx.checker.check_model(model)
            graph = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True).graph
        except CHECK_ERRORS as error:
            raise WrapError(f"the wrapped model fails onnx's checks, so nothing was written: {error}")
        location = save(model, args.out, external)
        onnx.checker.check_model(args.out)  # the file as written, with its data file
    else:  # too big for one protobuf: every weight goes external, checks on the written file
        location = save(model, args.out, [t for t in _get_all_tensors(model) if t.HasField("raw_data")])
        try:
            graph = check_saved(args.out)
        except CHECK_ERRORS as error:
            for path in (args.out, data_path):
                if os.path.exists(path):
                    os.remove(path)
            raise WrapError(f"the wrapped model fails onnx's checks; its files were removed: {error}")
    print(f"Wrote {args.out} (onnx.checker and strict shape inference pass)"
          + (f"; the external weights are in {location}, beside it" if location else "") + ":")
    for value in real_inputs(graph):
        print(f"  input {value.name} {type_name(value)} {dims(value)}")
    for value in graph.output:
        print(f"  output {value.name} {type_name(value)} {dims(value)}")
    image = next(v for v in real_inputs(graph) if v.name == input_name)
    rank = len(dims(image) or [])
    activation = "none" if final_activation(graph, output_name) else "softmax (or sigmoid)"
    print(f'For the manifest: "layout": "{LAYOUTS.get(rank, f"? (rank {rank})")}", '
          f'"inputName": "{input_name}", "outputName": "{output_name}", "activation": "{activation}".')


def main() -> None:
    parser = argparse.ArgumentParser(
        prog=PROG, description=__doc__.split("\n\n")[0],
        epilog="See models/export/README.md, 'I have model.onnx and know its preprocessing'.")
    commands = parser.add_subparsers(dest="command", required=True)
    inspect_parser = commands.add_parser("inspect", help="print the opset, inputs and outputs")
    inspect_parser.add_argument("model", help="the .onnx file")
    wrap_parser = commands.add_parser(
        "wrap", help="add transposes, flips, a softmax and renames around the model",
        description="Wraps one input and one output of an ONNX model. Transposes use numpy.transpose "
        "semantics (axis a of the result is axis P[a] of the source); flip axes are those of the "
        "wrapped input / wrapped output.")
    wrap_parser.add_argument("model", help="the .onnx file to wrap (not modified)")
    wrap_parser.add_argument("--out", required=True, help="the wrapped .onnx file to write")
    wrap_parser.add_argument("--input", help="the input to wrap (default: the only input)")
    wrap_parser.add_argument("--output", help="the output to wrap (default: the only output)")
    wrap_parser.add_argument("--input-flip", type=int_list, metavar="AXES",
                             help="axes of the wrapped input to reverse, e.g. 2 (rows, H)")
    wrap_parser.add_argument("--input-transpose", type=int_list, metavar="PERM",
                             help="the model's input is Transpose(flipped input, PERM), e.g. "
                             "0,2,3,1 for a channels-last model")
    wrap_parser.add_argument("--output-transpose", type=int_list, metavar="PERM",
                             help="Transpose(the model's output, PERM), e.g. 0,3,1,2 from channels-last")
    wrap_parser.add_argument("--output-flip", type=int_list, metavar="AXES",
                             help="axes of the (transposed) output to reverse")
    wrap_parser.add_argument("--softmax", action="store_true",
                             help="end in a softmax over axis 1 (classes): the manifest says "
                             '"activation": "none"')
    wrap_parser.add_argument("--rename-input", metavar="NAME", help="new name of the input")
    wrap_parser.add_argument("--rename-output", metavar="NAME", help="new name of the output")
    args = parser.parse_args()
    try:
        if args.command == "inspect":
            inspect(args.model)
        else:
            run_wrap(args)
    except WrapError as error:
        fail(str(error))


if __name__ == "__main__":
    main()
