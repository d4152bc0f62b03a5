"""split.json: which ids of each data source a model trained on, validated on and held out.

Written by every training run beside the model's network; the benchmark (`xai-clip bench`) and the
evaluations (eval_clip_localisation.js, calibrate_clip_roi.js, eval_ct_segmenter.js,
write_heldout_nifti.py) read it instead of keeping their own lists. Its reader on the TypeScript
side is cli/src/bench/modelSplit.ts. A source the file does not list was never used.
"""
from __future__ import annotations

import json
import os
from typing import Dict, Iterable

SPLIT_FILE = "split.json"


def source(data: str, unit: str, ids: Iterable[int], train: Iterable[int], held_out: Iterable[int],
           validation: Iterable[int] = ()) -> dict:
    """One data source: `ids` are all its ids; those neither trained on, validated on nor held out
    are listed as unused (e.g. the gaps between a training and a held-out slab)."""
    train, validation, held_out = sorted(set(train)), sorted(set(validation)), sorted(set(held_out))
    unused = sorted(set(ids) - set(train) - set(validation) - set(held_out))
    entry = {"data": data, "unit": unit, "train": train, "validation": validation, "heldOut": held_out}
    return {**entry, "unused": unused} if unused else entry


def write_split(folder: str, model: str, command: str, sources: Dict[str, dict], smoke: bool = False) -> str:
    path = os.path.join(folder, SPLIT_FILE)
    with open(path, "w") as f:
        json.dump({"model": model, "command": command, **({"smoke": True} if smoke else {}), "sources": sources},
                  f, indent=2)
        f.write("\n")
    return path


def read_split(folder: str) -> dict:
    """The split of the model in `folder`; exits with what to do when it is missing."""
    path = os.path.join(folder, SPLIT_FILE)
    if not os.path.isfile(path):
        raise SystemExit(f"{path} is missing: the model's training writes it (models/train/train_segmenter.py, "
                         "train_clip.py).")
    with open(path) as f:
        return json.load(f)


def held_out(split: dict, name: str) -> list:
    """The held-out ids of source `name`; exits when the split does not list it."""
    if name not in split["sources"]:
        raise SystemExit(f"The split of {split['model']} lists no source \"{name}\".")
    return split["sources"][name]["heldOut"]
