#!/usr/bin/env python3
"""Print an ONNX segmenter's inputs and outputs and write an XAI-CLIP manifest skeleton for it.

    /usr/bin/python3 models/export/write_manifest.py my_model/seg.onnx \
        --out my_model/manifest.json --modality CT --classes background,liver,spleen

The skeleton has what the ONNX file says: the layout (rank 4 → NCHW, rank 5 → NCDHW), the input
and output names, a fixed size when every spatial axis is fixed (else dynamic, multiple 16), one
channel transform per input channel, the activation ("none" when the graph ends in a Softmax or
Sigmoid, perhaps followed by transposes or wrap_onnx.py's flips, else "softmax") and the class
count. It validates as written, but its channel transforms
(CT window 40/400 for CT, z-score otherwise), the multiple and the class names are placeholders:
complete them as models/export/README.md explains, then run `npx xai-clip models validate`.

Needs only Debian's python3-onnx (no torch, no onnxruntime).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import onnx

LAYOUTS = {4: "NCHW", 5: "NCDHW"}
FINAL_ACTIVATIONS = ("Softmax", "Sigmoid")


def dims(value: onnx.ValueInfoProto) -> list:
    """Declared shape: ints for fixed axes, names (or "?") for dynamic ones."""
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?")
            for d in value.type.tensor_type.shape.dim]


def describe(model: onnx.ModelProto) -> tuple[list, list]:
    """The graph's real inputs (initializers excluded) and its outputs, as (name, shape) pairs."""
    weights = {init.name for init in model.graph.initializer}
    inputs = [(v.name, dims(v)) for v in model.graph.input if v.name not in weights]
    outputs = [(v.name, dims(v)) for v in model.graph.output]
    return inputs, outputs


def final_node(graph: onnx.GraphProto, name: str) -> str | None:
    """The op that computes `name`, looking through ops that only move values: Transpose,
    Identity, and the flips wrap_onnx.py adds (Slice or Gather named xai_clip_wrap/…)."""
    def producer(tensor):
        return next((node for node in graph.node if tensor in node.output), None)

    node = producer(name)
    while node is not None and (node.op_type in ("Transpose", "Identity") or (
            node.op_type in ("Slice", "Gather") and node.name.startswith("xai_clip_wrap/"))):
        node = producer(node.input[0])
    return node.op_type if node is not None else None


def skeleton(model: onnx.ModelProto, onnx_path: str, manifest_path: str,
             modality: str, classes: list[str] | None) -> dict:
    """The manifest for the first rank-4/5 input and the first output, or SystemExit saying why not."""
    inputs, outputs = describe(model)
    image = next(((name, shape) for name, shape in inputs if len(shape) in LAYOUTS), None)
    if image is None:
        raise SystemExit(f"{onnx_path}: no input of rank 4 (NCHW) or 5 (NCDHW); inputs: {inputs}")
    input_name, input_shape = image
    output_name, output_shape = outputs[0]
    channel_count = input_shape[1]
    if not isinstance(channel_count, int):
        raise SystemExit(f'{onnx_path}: the channel axis of "{input_name}" is dynamic; export it fixed.')
    class_count = output_shape[1] if len(output_shape) > 1 else None
    if classes is None:
        if not isinstance(class_count, int):
            raise SystemExit(f'{onnx_path}: the class axis of "{output_name}" is not fixed '
                             f"({output_shape}); name the classes with --classes.")
        classes = ["background"] + [f"class_{c}" for c in range(1, class_count)]
    elif isinstance(class_count, int) and class_count != len(classes):
        raise SystemExit(f'{onnx_path}: "{output_name}" has {class_count} channels but --classes '
                         f"names {len(classes)}.")
    spatial = input_shape[2:]
    size = ({"mode": "fixed", "shape": spatial} if all(isinstance(n, int) for n in spatial)
            else {"mode": "dynamic", "multiple": 16})
    channel = {"kind": "window", "center": 40, "width": 400} if modality == "CT" else {"kind": "zscore"}
    ends_in_activation = final_node(model.graph, output_name) in FINAL_ACTIVATIONS
    folder = os.path.dirname(os.path.abspath(manifest_path))
    return {
        "name": os.path.splitext(os.path.basename(onnx_path))[0],
        "version": "1.0.0",
        "modalities": [modality],
        "segmenter": {
            "file": os.path.relpath(os.path.abspath(onnx_path), folder),
            "layout": LAYOUTS[len(input_shape)],
            "inputName": input_name,
            "outputName": output_name,
            "size": size,
            "channels": [dict(channel) for _ in range(channel_count)],
            "activation": "none" if ends_in_activation else "softmax",
            "classes": classes,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("onnx", help="the segmenter's .onnx file")
    parser.add_argument("--out", help="manifest to write (default: only print the signature)")
    parser.add_argument("--modality", default="CT", help="DICOM modality (default CT)")
    parser.add_argument("--classes", help="comma-separated class names in output-channel order")
    args = parser.parse_args()
    model = onnx.load(args.onnx, load_external_data=False)
    inputs, outputs = describe(model)
    opsets = ", ".join(f"{o.domain or 'ai.onnx'} {o.version}" for o in model.opset_import)
    print(f"{args.onnx}: opset {opsets}")
    for role, values in (("input", inputs), ("output", outputs)):
        for name, shape in values:
            print(f"  {role} {name} {shape}")
    if not args.out:
        return
    classes = args.classes.split(",") if args.classes else None
    manifest = skeleton(model, args.onnx, args.out, args.modality, classes)
    with open(args.out, "w", encoding="utf-8") as file:
        json.dump(manifest, file, indent=2)
        file.write("\n")
    segmenter = manifest["segmenter"]
    print(f"Wrote {args.out}: {segmenter['layout']}, size {segmenter['size']}, "
          f"activation {segmenter['activation']}, {len(segmenter['classes'])} classes.")
    print("Now set the channel transforms, the class names, and the multiple of a dynamic size, "
          "then run: npx xai-clip models validate " + args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
