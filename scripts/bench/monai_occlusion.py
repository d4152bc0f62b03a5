#!/usr/bin/env python3
"""The CLI's occlusion against MONAI's OcclusionSensitivity: same weights, same windows, same image.

    /usr/bin/python3 scripts/bench/monai_occlusion.py --monai-src /path/to/MONAI-1.3.2 [--slice 40]

(`npm run bench:monai` runs it.) MONAI is not a dependency of the project and cannot be installed
here from a package index: point `--monai-src` (or `$MONAI_SRC`) at a MONAI source tree, e.g.
`git clone --branch 1.3.2 https://github.com/Project-MONAI/MONAI` (1.3.x runs on Debian's torch
1.13). Without it the script says so and exits 2.

The comparison (issue 18's "CLI vs MONAI OcclusionSensitivity, same weights/windows"):

* image: one CHAOS CT slice resampled to the network's 256² grid (the runtime's own resampling),
  written as a one-slice NIfTI, so neither side resamples again;
* windows: 16 px squares every 8 px over the whole slice (MONAI `mask_size=16, overlap=0.5`: 31 × 31
  = 961 windows plus the unperturbed image); the CLI with `--roi none`, `--window-mm` / `--stride-mm`
  of the same voxels and no outside tiles; the removed voxels become the slice's minimum on both;
* model: the CT segmenter's PyTorch checkpoint (`train_segmenter.py` output; the committed ONNX file
  was exported from it) behind the runtime's channel transforms and softmax, returning the organ score
  the CLI explains (Σ liver probability over the unperturbed liver mask);
* threads: torch gets as many threads as the CLI's onnxruntime (cores − 1, at least 1).

MONAI's map ([B, outputs, H, W] in 1.3) holds the occluded score; the CLI's map the drop (unperturbed − occluded score). It prints
both wall times (the explanation only, model loading excluded, best of `--repeats`), the speed-up and
Pearson r of the CLI's map against MONAI's drop, and writes them as JSON with `--json`.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "models", "train"))

WINDOW = 16
OVERLAP = 0.5
# The CLI's runs: every window (MONAI's map exactly), and coarse-to-fine over the same fine windows.
VARIANTS = {
    "every window": [],
    "coarse-to-fine (refine ≥ 0.2 × peak)": ["--coarse-to-fine", "--refine-fraction", "0.2"],
}


def data_root() -> str:
    return os.environ.get("XAI_CLIP_DATA") or os.path.normpath(os.path.join(REPO, "..", "shared", "data"))


def import_monai(source: str | None):
    if source:
        sys.path.insert(0, source)
    try:
        from monai.visualize import OcclusionSensitivity  # noqa: PLC0415
    except ImportError as error:
        sys.stderr.write(
            f"MONAI is not importable ({error}). Pass --monai-src (or set MONAI_SRC) to a MONAI source tree, "
            "e.g. `git clone --branch 1.3.2 https://github.com/Project-MONAI/MONAI`.\n"
        )
        sys.exit(2)
    import monai  # noqa: PLC0415

    return OcclusionSensitivity, monai.__version__


def read_ct_slice(index: int) -> tuple[np.ndarray, float]:
    """The CHAOS CT file `index` in HU as [rows, columns], and its pixel spacing."""
    import pydicom  # noqa: PLC0415

    files = sorted(glob.glob(os.path.join(data_root(), "chaos-ct", "dicom", "*.dcm")))
    if not files:
        sys.stderr.write(f"No CHAOS CT DICOM under {data_root()}/chaos-ct/dicom (set XAI_CLIP_DATA).\n")
        sys.exit(2)
    dataset = pydicom.dcmread(files[index])
    hu = dataset.pixel_array.astype(np.float32) * float(dataset.RescaleSlope) + float(dataset.RescaleIntercept)
    return hu, float(dataset.PixelSpacing[0])


def write_slice_nifti(image: np.ndarray, spacing: float, path: str) -> None:
    """[rows = j (posterior), columns = i (left)] as a one-slice RAS-affine NIfTI."""
    import nibabel  # noqa: PLC0415

    affine = np.diag([-spacing, -spacing, 2.0, 1.0])
    nibabel.save(nibabel.Nifti1Image(image.T[:, :, None].astype(np.float32), affine), path)


def organ_score_network(checkpoint: str, manifest: dict):
    """HU slices [B, 1, H, W] → the organ score the CLI explains [B, 1]."""
    import torch  # noqa: PLC0415
    from common.runtime_preprocess import write_channels  # noqa: PLC0415
    from common.segformer import SegFormer2D  # noqa: PLC0415

    saved = torch.load(checkpoint, map_location="cpu")
    network = SegFormer2D(**saved["config"]).eval()
    network.load_state_dict(saved["state"])
    channels = manifest["segmenter"]["channels"]
    liver = manifest["segmenter"]["classes"].index("liver")
    # Window channels need no image statistics: the same affine map and clip for every image.
    if any(channel["kind"] != "window" for channel in channels):
        raise SystemExit("This comparison expects window channels (the CT segmenter's).")

    def channels_of(hu):
        return torch.stack(
            [
                torch.clamp((hu - (c["center"] - c["width"] / 2)) / c["width"], 0.0, 1.0)
                for c in channels
            ],
            dim=1,
        )

    # Check the torch channels against the runtime's numpy mirror once, on a ramp.
    ramp = np.linspace(-1200, 1200, 256 * 256, dtype=np.float32).reshape(256, 256)
    mirrored = write_channels(ramp, channels, {})
    assert np.abs(channels_of(torch.from_numpy(ramp)[None])[0].numpy() - mirrored).max() < 1e-6

    class OrganScore(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.network = network
            self.mask = None

        def probabilities(self, hu):
            return torch.softmax(self.network(channels_of(hu[:, 0])), dim=1)[:, liver]

        def forward(self, hu):
            return (self.probabilities(hu) * self.mask).sum(dim=(1, 2))[:, None]

    return OrganScore()


def run_cli(nifti: str, spacing: float, fill: float, out: str, extra: list[str]) -> dict:
    command = [
        "node", os.path.join(REPO, "bin", "xai-clip.js"), "explain",
        "--model", os.path.join(REPO, "models", "chaos-ct-segformer", "manifest.json"),
        "--input", nifti, "--organ", "liver", "--method", "occlusion",
        "--roi", "none", "--scope", "slice", "--slice", "0",
        "--window-mm", repr(WINDOW * spacing), "--stride-mm", repr(WINDOW * (1 - OVERLAP) * spacing),
        "--outside-tile-factor", "0", "--fill", repr(fill), "--out", out, "--json", *extra,
    ]  # fmt: skip
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "report.json"), encoding="utf-8") as handle:
        return json.load(handle)


def read_map(path: str) -> np.ndarray:
    import nibabel  # noqa: PLC0415

    return np.asarray(nibabel.load(path).dataobj, dtype=np.float64)[:, :, 0].T


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--monai-src", default=os.environ.get("MONAI_SRC"))
    parser.add_argument("--checkpoint", default="/tmp/xai-clip-segmenters/chaos-ct.pt")
    parser.add_argument("--slice", type=int, default=40, help="CHAOS CT DICOM file index")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--monai-batch", type=int, default=16, help="MONAI's n_batch (its default)")
    parser.add_argument("--json", help="write the figures here")
    args = parser.parse_args()

    OcclusionSensitivity, monai_version = import_monai(args.monai_src)
    import torch  # noqa: PLC0415
    from common.runtime_preprocess import resample_linear  # noqa: PLC0415

    if not os.path.exists(args.checkpoint):
        sys.stderr.write(
            f"No checkpoint at {args.checkpoint}: train it with models/train/train_segmenter.py "
            "(the CT segmenter) or pass --checkpoint.\n"
        )
        sys.exit(2)
    threads = max(1, (os.cpu_count() or 1) - 1)
    torch.set_num_threads(threads)
    with open(os.path.join(REPO, "models", "chaos-ct-segformer", "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    size = manifest["segmenter"]["size"]["shape"]

    hu, pixel_spacing = read_ct_slice(args.slice)
    image = resample_linear(hu, size).astype(np.float32)
    spacing = pixel_spacing * hu.shape[0] / size[0]
    fill = float(image.min())

    model = organ_score_network(args.checkpoint, manifest)
    x = torch.from_numpy(image)[None, None]
    with torch.no_grad():
        model.mask = (model.probabilities(x)[0] > 0.5).float()
        base = float(model(x)[0, 0])
        occlusion = OcclusionSensitivity(
            nn_module=model, mask_size=WINDOW, n_batch=args.monai_batch, verbose=False,
            mode=fill, overlap=OVERLAP, activate=False,
        )  # fmt: skip
        monai_ms = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            occluded, _ = occlusion(x)
            monai_ms.append((time.perf_counter() - started) * 1000)
    monai_drop = base - occluded[0, 0].numpy().astype(np.float64)

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        nifti = os.path.join(folder, "slice.nii.gz")
        write_slice_nifti(image, spacing, nifti)
        for n, (name, extra) in enumerate(VARIANTS.items()):
            outs = [os.path.join(folder, f"cli{n}-{repeat}") for repeat in range(args.repeats)]
            reports = [run_cli(nifti, spacing, fill, out, extra) for out in outs]
            cli_map = read_map(os.path.join(outs[0], "saliency.nii.gz"))
            cli_ms = min(report["explainMs"] for report in reports)
            rows.append(
                {
                    "variant": name,
                    "passes": reports[0]["passes"],
                    "skippedPasses": reports[0]["skippedPasses"],
                    "batch": reports[0]["batch"]["size"],
                    "ms": cli_ms,
                    "speedup": min(monai_ms) / cli_ms,
                    "r": float(np.corrcoef(cli_map.ravel(), monai_drop.ravel())[0, 1]),
                }
            )

    figures = {
        "monai": monai_version,
        "slice": args.slice,
        "threads": threads,
        "windows": (len(range(0, size[0] - WINDOW + 1, int(WINDOW * (1 - OVERLAP))))) ** 2,
        "monaiBatch": args.monai_batch,
        "monaiMs": min(monai_ms),
        "torchOrganScore": base,
        "cli": rows,
    }
    print(
        f"MONAI {monai_version} OcclusionSensitivity vs xai-clip explain: CHAOS CT file {args.slice} at "
        f"{size[0]}×{size[1]}, {WINDOW} px windows with overlap {OVERLAP} ({figures['windows']} windows), "
        f"{threads} thread(s), best of {args.repeats}"
    )
    print(f"  MONAI (n_batch {args.monai_batch}): {figures['windows'] + 1} passes, {min(monai_ms) / 1000:.1f} s")
    for row in rows:
        print(
            f"  CLI {row['variant']}: {row['passes']} passes (+{row['skippedPasses']} skipped), batch "
            f"{row['batch']}, {row['ms'] / 1000:.1f} s: {row['speedup']:.2f}× faster, map r = {row['r']:.4f}"
        )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()
