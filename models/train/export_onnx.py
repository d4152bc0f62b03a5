#!/usr/bin/env python3
"""Export a trained segmenter to ONNX (opset 17, dynamic batch), check it, and write what the
project ships and tests: manifest.json, golden input/output files.

Usable on its own to re-export a checkpoint written by train_segmenter.py:

    /usr/bin/python3 models/train/export_onnx.py --checkpoint /tmp/xai-clip-segmenters/chaos-mr.pt \
        --out models/chaos-mr-t2-segformer

The exported graph ends in the softmax over classes (output `probabilities`, manifest activation
`none`): onnxruntime then runs it inside the segmenter's own session, fused and multithreaded,
instead of the runtime applying it afterwards in a second session.

Checks: onnx.checker; torch vs onnxruntime-node (run through `node`, using the repository's
node_modules) at batch 1 and 3, max |Δprobability| must be ≤ 1e-5.

Golden files (small, so CI checks the committed model without Python), in <out>/golden/:
* `input_128.bin`: one raw 128×128 slice (float32 LE, row-major [H, W], modality units);
* `probabilities_128.bin`: what the runtime returns for it after `predict` + `toImageGrid`
  (float32 LE [C, 128, 128]): resample 128² → network grid, channel transforms with
  statistics of the raw 128² slice, softmax, resample back to 128²;
* `network_input.bin` is not stored; instead `golden.json` holds sampled probabilities of the
  network input computed from the same slice (`networkOutput`), so the ONNX file itself is
  checked through an ORT session; plus shapes and SHA-256 checksums.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common.runtime_preprocess import network_input, resample_linear, softmax  # noqa: E402
from common.segformer import SegFormer2D  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

NODE_RUN = r"""
const ort = require(process.argv[1] + '/node_modules/onnxruntime-node');
const fs = require('fs');
(async () => {
  const [model, input, shape, output] = process.argv.slice(2);
  const dims = JSON.parse(shape);
  const buffer = fs.readFileSync(input);
  const data = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const result = await session.run({ image: new ort.Tensor('float32', Float32Array.from(data), dims) });
  const probabilities = result.probabilities;
  fs.writeFileSync(output, Buffer.from(probabilities.data.buffer, probabilities.data.byteOffset, probabilities.data.byteLength));
  process.stdout.write(JSON.stringify(probabilities.dims));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def ort_probabilities(onnx_path: str, x: np.ndarray) -> np.ndarray:
    """Runs the ONNX file in onnxruntime-node (the CLI's runtime) and returns its probabilities."""
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "in.bin"), os.path.join(tmp, "out.bin")
        x.astype("<f4").tofile(inp)
        res = subprocess.run(
            ["node", "-e", NODE_RUN, REPO, os.path.abspath(onnx_path), inp, json.dumps(list(x.shape)), out],
            capture_output=True, text=True, check=True,
        )
        dims = json.loads(res.stdout)
        return np.fromfile(out, "<f4").reshape(dims)


class WithSoftmax(torch.nn.Module):
    """The segmenter followed by the softmax over classes: what the shipped ONNX graph computes."""

    def __init__(self, model: SegFormer2D):
        super().__init__()
        self.model = model

    def forward(self, x):
        return torch.softmax(self.model(x), dim=1)


def export(model: SegFormer2D, path: str, shape, in_channels: int) -> None:
    import onnx

    model.eval()
    dummy = torch.zeros(1, in_channels, *shape)
    torch.onnx.export(
        WithSoftmax(model), dummy, path, opset_version=17, do_constant_folding=True,
        input_names=["image"], output_names=["probabilities"],
        dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}},
    )
    onnx.checker.check_model(onnx.load(path))


def format_json(paths) -> None:
    """Formats written JSON with the repository's prettier (its lint checks every .json file)."""
    prettier = os.path.join(REPO, "node_modules", ".bin", "prettier")
    if os.path.exists(prettier):
        subprocess.run([prettier, "--log-level", "warn", "--write", *paths], cwd=REPO, check=True)


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def write_manifest(out: str, name: str, description: str, modalities, shape, channels, classes,
                   onnx_file: str = "segmenter.onnx") -> str:
    path = os.path.join(out, "manifest.json")
    # A re-export keeps what was added to the manifest by hand, e.g. the shared CLIP part, or a
    # segmenter property this function does not write (e.g. "orientation").
    previous = json.load(open(path)) if os.path.exists(path) else {}
    segmenter = {
        "file": onnx_file,
        "layout": "NCHW",
        "inputName": "image",
        "outputName": "probabilities",
        "size": {"mode": "fixed", "shape": list(shape)},
        "channels": channels,
        "activation": "none",
        "classes": list(classes),
    }
    segmenter.update({k: v for k, v in previous.get("segmenter", {}).items() if k not in segmenter})
    manifest = {
        "name": name,
        "version": "1.0.0",
        "description": description,
        "modalities": list(modalities),
        "segmenter": segmenter,
        **({"clip": previous["clip"]} if "clip" in previous else {}),
    }
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return path


def check_and_golden(model: SegFormer2D, onnx_path: str, out: str, shape, channels, classes,
                     golden_slice: np.ndarray, golden_source: str, log=print) -> dict:
    """torch-vs-ORT agreement and the golden files. golden_slice: a raw slice [ny, nx]."""
    model.eval()
    folder = os.path.join(out, "golden")
    os.makedirs(folder, exist_ok=True)
    raw128 = resample_linear(golden_slice.astype(np.float32), (128, 128))
    x1 = network_input(raw128, shape, channels)[None]  # [1, C, H, W] as the runtime builds it
    rng = np.random.default_rng(7)
    x3 = np.concatenate([x1, x1[:, :, :, ::-1].copy(), rng.uniform(0, 1, x1.shape).astype(np.float32)])
    worst = 0.0
    with torch.no_grad():
        for x in (x1, x3):
            t = torch.softmax(model(torch.from_numpy(x)), dim=1).numpy()
            o = ort_probabilities(onnx_path, x)
            assert o.shape == t.shape, (o.shape, t.shape)
            worst = max(worst, float(np.abs(o - t).max()))
        logits = model(torch.from_numpy(x1)).numpy()[0]
    log(f"torch vs onnxruntime-node: max |Δprobability| = {worst:.2e} (batch 1 and 3)")
    if worst > 1e-5:
        raise SystemExit(f"ONNX export disagrees with torch: {worst}")
    network_probabilities = softmax(logits, 0).astype(np.float32)
    probabilities = resample_linear(network_probabilities, (128, 128))
    raw128.astype("<f4").tofile(os.path.join(folder, "input_128.bin"))
    probabilities.astype("<f4").tofile(os.path.join(folder, "probabilities_128.bin"))
    flat = network_probabilities.ravel()
    sample = np.linspace(0, flat.size - 1, 64).round().astype(int)
    info = {
        "source": golden_source,
        "input": {"file": "input_128.bin", "dtype": "float32", "shape": [128, 128],
                  "sha256": sha256(os.path.join(folder, "input_128.bin"))},
        "probabilities": {"file": "probabilities_128.bin", "dtype": "float32",
                          "shape": [len(classes), 128, 128],
                          "sha256": sha256(os.path.join(folder, "probabilities_128.bin")),
                          "meaning": "predict() then toImageGrid() on the 128x128 input"},
        "networkOutput": {
            "shape": [len(classes), *shape],
            "meaning": "probabilities (the graph's softmax output) of the network input the runtime "
                       "builds from input_128.bin (resampled to the network grid, channel transforms)",
            "sum": float(flat.astype(np.float64).sum()),
            "sumAbs": float(np.abs(flat.astype(np.float64)).sum()),
            "sampleIndices": sample.tolist(),
            "sampleValues": [float(v) for v in flat[sample]],
        },
        "onnxSha256": sha256(onnx_path),
        "torchVsOrtMaxAbsProbability": worst,
    }
    with open(os.path.join(folder, "golden.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    return info


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    ckpt = torch.load(args.checkpoint, map_location="cpu")
    model = SegFormer2D(**ckpt["config"])
    model.load_state_dict(ckpt["state"])
    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "segmenter.onnx")
    export(model, onnx_path, ckpt["shape"], ckpt["config"]["in_channels"])
    m = ckpt["manifest"]
    write_manifest(args.out, m["name"], m["description"], m["modalities"], ckpt["shape"], ckpt["channels"],
                   ckpt["classes"])
    check_and_golden(model, onnx_path, args.out, ckpt["shape"], ckpt["channels"], ckpt["classes"],
                     np.asarray(ckpt["golden_slice"]), ckpt["golden_source"])


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
