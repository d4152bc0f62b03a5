#!/usr/bin/env python3
"""Train, evaluate and export XAI-CLIP's compact SegFormer-style organ segmenters on real data.

    /usr/bin/python3 models/train/train_segmenter.py --dataset chaos-mr --out models/chaos-mr-t2-segformer
    /usr/bin/python3 models/train/train_segmenter.py --dataset chaos-ct --out models/chaos-ct-segformer   # liver only
    /usr/bin/python3 models/train/train_segmenter.py --dataset chaos-mr --smoke   # CI: < 1 min, temp dir

Inputs (read from $XAI_CLIP_DATA, else <repo>/../shared/data; nothing is copied into the repo):
* chaos-mr: CHAOS MR T2-SPIR `chaos-mr-t2/image_N.nii.gz` + `label_N.nii.gz` (labels 0 background,
  1 liver, 2 right kidney, 3 left kidney, 4 spleen). Subjects 3, 13, 21, 33 are held out (never
  trained on); the other 12 train.
* chaos-ct: the CHAOS CT study `chaos-ct/dicom` + `liver-gt` (manual LIVER masks only) and the
  TotalSegmentator examples (`example_ct_dicom` JPEG 2000 + `example_seg_dicom.nii.gz`,
  `example_ct_sm.nii.gz` + `example_seg.nii.gz`; their labels are TotalSegmentator predictions).
  Held-out slabs with gaps: CHAOS CT files 30–45 (gap files 26–29 and 46–49 unused),
  TotalSegmentator DICOM slices 12–19 (gap 10–11), TotalSegmentator NIfTI slices 0–5 (gap 6–7).
  By default the CT model has the classes background and liver only (`--classes liver`): every
  non-liver pixel is background, supervised on every slice, and the liver-free CHAOS slices
  (files 0–6, heart level, in the training split) are oversampled to `liver_free_share` of each
  batch. `--classes liver,right_kidney,left_kidney,spleen` gives the former 5-class CT model,
  whose CHAOS slices only train liver vs not-liver (a partial-label loss): it labelled most of a
  CT study, air included, as a kidney, since kidneys appear only in the small TotalSegmentator
  NIfTI.

Classes: `--classes` names the organs (default: the dataset's `classes`); the model has
["background", *organs]. Label maps are remapped, every other organ joins background
(common/chaos_data.restrict_classes).

Preprocessing is the runtime's (see common/runtime_preprocess.py): raw slice → bilinear resample
to 256×256 → channel transform with statistics of the raw slice (MR: percentile 1–99 → [0, 1];
CT: windows c40/w400 and c90/w180 HU as two channels).

Outputs in --out: segmenter.onnx (opset 17, dynamic batch, input `image` [B, C, 256, 256], output
`probabilities` [B, classes, 256, 256]), manifest.json, golden/ (golden.json, input_128.bin,
probabilities_128.bin), training_report.json (split, parameter count, wall time, loss curve,
held-out Dice computed exactly as the runtime predicts), split.json (the ids of every data source
trained on and held out, which the benchmark and the evaluations read; common/split_file.py). The
torch checkpoint goes to --checkpoint-dir (default /tmp/xai-clip-segmenters), outside the repository.

Run time on one CPU thread (torch.set_num_threads(1)), batch 8 at 256²: ≈ 0.6–1.3 s per iteration
depending on the machine and its load, so chaos-mr (2000 iterations) ≈ 20–40 min and chaos-ct
(1000) ≈ 10–20 min. The shipped MR run took 2196 s (1.10 s/it, one other job beside it); the
shipped CT run took 611 s (0.61 s/it, on a 2-core machine shared with another engineer's builds;
2 threads were not faster). --smoke: < 1 min. Seeds are fixed (--seed, default 0).
--resume CKPT --iterations N --lr X continues a checkpoint as a second stage (tried for MR, not
shipped: see models/chaos-mr-t2-segformer/MODEL_CARD.md).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import chaos_data as cd  # noqa: E402
from common import split_file  # noqa: E402
from common.segformer import SegFormer2D, parameter_count  # noqa: E402
from common.training import Prepared, dice_scores, predict_slices, train  # noqa: E402
import export_onnx  # noqa: E402

MODEL = dict(dims=(32, 64, 128, 160), depths=(1, 2, 2, 2), heads=(1, 2, 4, 5), sr_ratios=(8, 4, 2, 1),
             mlp_ratio=4, decoder_dim=64, drop_path=0.05)

MR_HELD_OUT = [3, 13, 21, 33]
ALL_ORGANS = ["liver", "right_kidney", "left_kidney", "spleen"]

DATASETS = {
    "chaos-mr": dict(
        name="chaos-mr-t2-segformer",
        description="Compact SegFormer-style 2-D segmenter (1.8 M parameters) for liver, kidneys and spleen "
        "on T2-SPIR MR, trained on 12 CHAOS subjects. Demonstration / research only, not for clinical use.",
        modalities=["MR"],
        shape=(256, 256),
        channels=[{"kind": "percentile", "low": 1, "high": 99}],
        iterations=2000, batch=8, lr=8e-4,
        augment=dict(rotate=15, scale=0.15, shift=0.08, gamma=True, noise=0.02),
        classes=ALL_ORGANS,
    ),
    "chaos-ct": dict(
        name="chaos-ct-segformer",
        description="Compact SegFormer-style 2-D segmenter (1.8 M parameters) for the liver on CT (classes "
        "background and liver), trained on one CHAOS CT study (manual liver labels) and the TotalSegmentator "
        "CT examples (model-predicted labels). Liver only: there is no CT data with kidney or spleen labels "
        "beyond a few TotalSegmentator predictions, so those classes are not offered. Demonstration / "
        "research only, not for clinical use.",
        # --classes with other organs than the liver (the former 5-class CT model)
        description_organs="Compact SegFormer-style 2-D segmenter (1.8 M parameters) for {organs} on CT, "
        "trained on one CHAOS CT study (manual liver labels) and the TotalSegmentator CT examples "
        "(model-predicted labels). Liver is the validated class. Demonstration / research only, not for "
        "clinical use.",
        modalities=["CT"],
        shape=(256, 256),
        channels=[{"kind": "window", "center": 40, "width": 400}, {"kind": "window", "center": 90, "width": 180}],
        iterations=1000, batch=8, lr=8e-4,
        augment=dict(rotate=15, scale=0.15, shift=0.08, gamma=False, noise=0.02, rot180=0.25),
        classes=["liver"],
        # share of each batch drawn from the training slices without any of the model's organs
        # (CHAOS CT files 0-6, heart level); the rest of CHAOS's half of the batch is its other slices
        liver_free_share=0.15,
    ),
}


def positions_of(ids, wanted):
    return [n for n, i in enumerate(ids) if i in wanted]


def restricted(sets, keep):
    """The slice sets with only the organs `keep` (CLASSES indices); the identity for all four."""
    if keep == [1, 2, 3, 4]:
        return sets
    if isinstance(sets, dict):
        return {k: cd.restrict_classes(s, keep) for k, s in sets.items()}
    return [cd.restrict_classes(s, keep) for s in sets]


def load_mr(smoke: bool):
    train_ids = [s for s in cd.MR_SUBJECTS if s not in MR_HELD_OUT]
    if smoke:
        train_sets = [cd.mr_subject(train_ids[0]).subset([15, 18])]
        held = {MR_HELD_OUT[0]: cd.mr_subject(MR_HELD_OUT[0]).subset([16, 20])}
    else:
        train_sets = [cd.mr_subject(s) for s in train_ids]
        held = {s: cd.mr_subject(s) for s in MR_HELD_OUT}
    split = {
        "train": [f"CHAOS MR T2 subject {s} (all slices)" for s in train_ids],
        "heldOut": [f"CHAOS MR T2 subject {s} (all slices)" for s in MR_HELD_OUT],
    }
    sources = {"chaos-mr-t2": split_file.source(
        "chaos-mr-t2/image_<id>.nii.gz, label_<id>.nii.gz", "subject", cd.MR_SUBJECTS,
        train=train_ids[:len(train_sets)], held_out=held)}
    return train_sets, None, held, split, sources


def ct_split_sets(smoke: bool, keep=(1, 2, 3, 4), liver_free_share: float = 0.0):
    """Training sets and held-out sets for the CT model (see the module docstring), with the
    organs `keep` (CLASSES indices), and the sampling weights (liver_free_share: the share of each
    batch drawn from CHAOS training slices without any kept organ)."""
    chaos = cd.chaos_ct()
    tsd = cd.totalseg_dicom()
    tsn = cd.totalseg_nifti()
    f = lambda a, b: {f"ct:f{i:03d}" for i in range(a, b + 1)}  # noqa: E731
    chaos_train = positions_of(chaos.slice_ids, f(0, 25) | f(50, 77))
    chaos_held = positions_of(chaos.slice_ids, f(30, 45))
    tsd_train, tsd_held = list(range(0, 10)), list(range(12, 20))
    tsn_train, tsn_held = list(range(8, 30)), list(range(0, 6))
    if smoke:
        chaos_train, tsd_train, tsn_train = chaos_train[30:32], tsd_train[:1], tsn_train[5:6]
        chaos_held, tsd_held, tsn_held = chaos_held[:2], tsd_held[:1], tsn_held[:1]
    chaos_files = lambda positions: [int(chaos.slice_ids[n][4:]) for n in positions]  # noqa: E731
    sources = {
        "chaos-ct": split_file.source(
            "chaos-ct/dicom, chaos-ct/liver-gt", "DICOM file (sorted by name; runtime slice k = file 77 - k)",
            range(cd.CHAOS_CT_FILES), train=chaos_files(chaos_train), held_out=chaos_files(chaos_held)),
        "totalseg-ct-dicom": split_file.source(
            "totalsegmentator/example_ct_dicom, example_seg_dicom.nii.gz", "slice (ascending z)",
            range(len(tsd.slice_ids)), train=tsd_train, held_out=tsd_held),
        "totalseg-ct-nifti": split_file.source(
            "totalsegmentator/example_ct_sm.nii.gz, example_seg.nii.gz", "slice (as the runtime reads the NIfTI)",
            range(len(tsn.slice_ids)), train=tsn_train, held_out=tsn_held),
    }
    keep = list(keep)
    chaos, tsd, tsn = restricted([chaos, tsd, tsn], keep)
    # CHAOS training slices without any of the model's organs (files 0-6: heart level, no liver)
    organ_free = [n for n in chaos_train if not chaos.labels[n].any()] if liver_free_share > 0 else []
    chaos_organ = [n for n in chaos_train if n not in organ_free]
    train_sets = [chaos.subset(chaos_organ), tsd.subset(tsd_train), tsn.subset(tsn_train)]
    held = {"chaos-ct": chaos.subset(chaos_held), "totalseg-dicom": tsd.subset(tsd_held),
            "totalseg-nifti": tsn.subset(tsn_held)}
    if not smoke:
        held["chaos-ct-all-78"] = chaos  # what `xai-clip evaluate` counts (includes training slices)
    liver_only = keep == [1]
    split = {
        "train": [
            "CHAOS CT DICOM files 0-25 and 50-77 (54 slices; runtime slice k = file 77 - k; liver-only labels"
            + ("; every other pixel is background)" if liver_only else ")"),
            "TotalSegmentator example_ct_dicom slices 0-9 (ascending z; predicted labels)",
            "TotalSegmentator example_ct_sm.nii.gz slices 8-29 (as the runtime sees the RAS NIfTI; predicted labels)",
        ],
        "gapUnused": ["CHAOS CT files 26-29 and 46-49", "TotalSegmentator DICOM slices 10-11",
                      "TotalSegmentator NIfTI slices 6-7"],
        "heldOut": ["CHAOS CT files 30-45 (16 slices, manual liver GT)",
                    "TotalSegmentator example_ct_dicom slices 12-19 (8 slices; "
                    + ("liver" if liver_only else "liver and spleen") + ", predicted labels)",
                    "TotalSegmentator example_ct_sm.nii.gz slices 0-5 (6 slices; predicted labels)"],
    }
    # sampling weights: half the batches from CHAOS, 20 % TotalSegmentator DICOM, 30 % NIfTI; of
    # CHAOS's half, liver_free_share of the batch from its organ-free slices
    shares = [0.5, 0.2, 0.3]
    if organ_free:
        train_sets.append(chaos.subset(organ_free))
        shares = [0.5 - liver_free_share, 0.2, 0.3, liver_free_share]
        files = [int(chaos.slice_ids[n][4:]) for n in organ_free]
        split["sampling"] = (
            f"{shares[0]:.0%} of each batch from the CHAOS training slices with liver, "
            f"{liver_free_share:.0%} from its liver-free ones (files {min(files)}-{max(files)}, heart level), "
            "20% TotalSegmentator DICOM, 30% TotalSegmentator NIfTI"
        )
    weights = np.concatenate([np.full(s.images.shape[0], w / s.images.shape[0]) for s, w in zip(train_sets, shares)])
    return train_sets, weights, held, split, sources


def evaluate(model, held, cfg, dataset, names):
    """Held-out Dice per set and organ; for the whole CHAOS CT study also the predicted voxels of
    each kept organ on every slice whose ground truth has none (false positives)."""
    table, false_positives = {}, {}
    organs = list(range(1, len(names)))
    for key, s in held.items():
        pred = predict_slices(model, s.images, cfg["shape"], cfg["channels"])
        classes = [c for c in s.supervised if c != 0] if 0 not in s.supervised else organs
        if dataset == "chaos-ct" and key.startswith("totalseg"):
            classes = [c for c in organs if (s.labels == c).any()]
        table[str(key)] = {k: round(v, 4) for k, v in dice_scores(pred, s.labels, classes, names).items()}
        if key == "chaos-ct-all-78":
            for c in [c for c in s.supervised if c != 0]:
                false_positives[names[c]] = {
                    sid.replace("ct:f", "file "): int((p == c).sum())
                    for sid, p, t in zip(s.slice_ids, pred, s.labels) if not (t == c).any()
                }
    return table, false_positives


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    ap.add_argument("--out", help="model folder to write (default: a temp dir with --smoke)")
    ap.add_argument("--smoke", action="store_true", help="a few iterations on a few slices, into a temp dir")
    ap.add_argument("--iterations", type=int)
    ap.add_argument("--classes", help="comma-separated organs the model segments besides background "
                    f"(among {','.join(ALL_ORGANS)}; default: chaos-mr all four, chaos-ct liver)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--resume", help="continue training from this checkpoint (a second stage with its own "
                    "warm-up and cosine schedule); the report records both stages")
    ap.add_argument("--lr", type=float, help="peak learning rate (default: the dataset's)")
    ap.add_argument("--checkpoint-dir", default=os.path.join(tempfile.gettempdir(), "xai-clip-segmenters"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    cfg = DATASETS[args.dataset]
    if args.smoke:
        out = args.out or tempfile.mkdtemp(prefix=f"smoke-{args.dataset}-")
        iterations, batch = args.iterations or 3, 2
    else:
        if not args.out:
            ap.error("--out is required (unless --smoke)")
        out = args.out
        iterations, batch = args.iterations or cfg["iterations"], cfg["batch"]
    os.makedirs(out, exist_ok=True)
    started = time.time()
    log_lines = []

    def log(msg):
        line = f"[{time.time() - started:7.1f}s] {msg}"
        print(line, flush=True)
        log_lines.append(line)

    organs = args.classes.split(",") if args.classes else cfg["classes"]
    unknown = [o for o in organs if o not in ALL_ORGANS]
    if unknown or not organs or len(set(organs)) != len(organs):
        ap.error(f"--classes: a comma-separated list of distinct organs among {','.join(ALL_ORGANS)}")
    keep = [cd.CLASSES.index(o) for o in organs]
    classes = ["background", *organs]
    description = cfg["description"]
    if organs != cfg["classes"]:
        description = cfg.get("description_organs", description).format(organs=", ".join(organs))
    if args.dataset == "chaos-mr":
        train_sets, weights, held, split, sources = load_mr(args.smoke)
        train_sets, held = restricted(train_sets, keep), restricted(held, keep)
    else:
        share = cfg.get("liver_free_share", 0.0) if organs == ["liver"] else 0.0
        train_sets, weights, held, split, sources = ct_split_sets(args.smoke, keep, share)
    data = Prepared(train_sets, cfg["shape"], cfg["channels"], len(classes))
    log(f"{len(data)} training slices prepared on the {cfg['shape']} grid; classes {classes}")

    model = SegFormer2D(in_channels=len(cfg["channels"]), num_classes=len(classes), **MODEL)
    previous = None
    if args.resume:
        ckpt = torch.load(args.resume, map_location="cpu")
        model.load_state_dict(ckpt["state"])
        previous = ckpt.get("report")
        log(f"resumed from {args.resume}")
    params = parameter_count(model)
    log(f"SegFormer2D: {params} parameters")
    lr = args.lr or cfg["lr"]
    history, train_seconds = train(model, data, iterations, batch, lr, args.seed, cfg["augment"],
                                   weights=weights, log=log, log_every=1 if args.smoke else 25)
    log(f"trained {iterations} iterations in {train_seconds:.0f}s")

    os.makedirs(args.checkpoint_dir, exist_ok=True)
    stage = "-stage2" if args.resume else ""
    ckpt_path = os.path.join(args.checkpoint_dir, f"{args.dataset}{stage}{'-smoke' if args.smoke else ''}.pt")
    if args.dataset == "chaos-mr":
        golden_set = held[MR_HELD_OUT[0]]
        golden_source = f"CHAOS MR T2 subject {MR_HELD_OUT[0]} (held out), slice {golden_set.slice_ids[len(golden_set.slice_ids) // 2]}, resampled to 128x128"
    else:
        golden_set = held["chaos-ct"]
        golden_source = f"CHAOS CT (held out) {golden_set.slice_ids[len(golden_set.slice_ids) // 2]}, HU resampled to 128x128"
    golden_slice = golden_set.images[len(golden_set.slice_ids) // 2]
    torch.save({"config": model.config, "state": model.state_dict(), "shape": list(cfg["shape"]),
                "channels": cfg["channels"], "classes": classes,
                "manifest": {"name": cfg["name"], "description": description, "modalities": cfg["modalities"]},
                "golden_slice": golden_slice, "golden_source": golden_source}, ckpt_path)
    log(f"checkpoint: {ckpt_path}")

    t = time.time()
    table, false_positives = evaluate(model, held, cfg, args.dataset, classes)
    log(f"held-out Dice (runtime-exact preprocessing, {time.time() - t:.0f}s): {json.dumps(table)}")
    if false_positives:
        log(f"predicted voxels on CHAOS CT slices without that organ: {json.dumps(false_positives)}")

    onnx_path = os.path.join(out, "segmenter.onnx")
    export_onnx.export(model, onnx_path, cfg["shape"], len(cfg["channels"]))
    export_onnx.write_manifest(out, cfg["name"], description, cfg["modalities"], cfg["shape"],
                               cfg["channels"], classes)
    node_ok = os.path.isdir(os.path.join(export_onnx.REPO, "node_modules", "onnxruntime-node"))
    if node_ok:
        export_onnx.check_and_golden(model, onnx_path, out, cfg["shape"], cfg["channels"], classes,
                                     golden_slice, golden_source, log=log)
    else:
        log("node_modules/onnxruntime-node missing: skipped the ORT check and golden files (run npm ci)")
    command = " ".join(["/usr/bin/python3", "models/train/train_segmenter.py"] + sys.argv[1:])
    report = {
        "dataset": args.dataset, "smoke": args.smoke, "command": command,
        "parameters": params, "architecture": model.config,
        "inputShape": list(cfg["shape"]), "channels": cfg["channels"], "classes": classes,
        "iterations": iterations, "batch": batch, "lr": lr, "seed": args.seed, "threads": args.threads,
        "augmentation": cfg["augment"], "split": split,
        "trainingSlices": len(data),
        "trainSeconds": round(train_seconds, 1), "secondsPerIteration": round(train_seconds / iterations, 3),
        "totalSeconds": round(time.time() - started, 1),
        "heldOutDice": table,
        **({"predictedVoxelsWhereAbsent": false_positives} if false_positives else {}),
        "lossEvery25": [h for h in history if h[0] % 25 == 0 or h[0] == iterations - 1],
        "torch": torch.__version__,
    }
    if previous:
        report["previousStage"] = previous
    with open(os.path.join(out, "training_report.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")
    split_file.write_split(out, cfg["name"], command, sources, smoke=args.smoke)
    saved = torch.load(ckpt_path, map_location="cpu")
    saved["report"] = {k: v for k, v in report.items() if k != "previousStage"} | (
        {"previousStage": previous} if previous else {})
    torch.save(saved, ckpt_path)
    export_onnx.format_json(
        [os.path.join(out, f) for f in ("manifest.json", "training_report.json", split_file.SPLIT_FILE,
                                        os.path.join("golden", "golden.json"))
         if os.path.exists(os.path.join(out, f))]
    )
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
