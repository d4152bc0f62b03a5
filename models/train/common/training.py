"""Training pieces shared by the segmenter scripts: runtime-exact sample preparation, augmentation
that keeps anatomy (no mirror flips), partial-label CE + Dice loss, and runtime-exact evaluation."""
from __future__ import annotations

import math
import time
from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .chaos_data import CLASSES, SliceSet
from .runtime_preprocess import (
    intensity_statistics,
    labels_on_image_grid,
    network_input,
    resample_linear,
)


class Prepared:
    """Slices resampled to the network grid exactly as the runtime does, with the statistics of
    the RAW slice (for percentile/z-score channels) and soft targets on the network grid."""

    def __init__(self, sets: Sequence[SliceSet], shape: Sequence[int], channels: List[dict],
                 num_classes: int = len(CLASSES)):
        self.shape, self.channels = tuple(shape), channels
        images, stats, targets, supervised, ids = [], [], [], [], []
        nc = num_classes
        for s in sets:
            mask = np.zeros(nc, bool)
            mask[s.supervised] = True
            for n in range(s.images.shape[0]):
                raw = s.images[n]
                images.append(resample_linear(raw, shape))
                st = intensity_statistics(raw, channels)
                stats.append(st)
                onehot = np.stack([(s.labels[n] == c).astype(np.float32) for c in range(nc)])
                if onehot.shape[1:] != tuple(shape):
                    onehot = resample_linear(onehot, shape)  # area-consistent soft targets
                targets.append(onehot.astype(np.float16))
                supervised.append(mask)
                ids.append(s.slice_ids[n])
        self.images = torch.from_numpy(np.stack(images))  # [N, H, W] raw values on the grid
        self.targets = torch.from_numpy(np.stack(targets))  # [N, C, H, W] float16
        self.supervised = torch.from_numpy(np.stack(supervised))  # [N, C] bool
        self.stats = stats
        self.ids = ids

    def __len__(self):
        return self.images.shape[0]

    def channel_affines(self, n: int, jitter: np.random.Generator | None):
        """(scale, offset) per channel for slice n, optionally jittered (intensity augmentation)."""
        out = []
        st = self.stats[n]
        for ch in self.channels:
            if ch["kind"] == "window":
                c, w = ch["center"], ch["width"]
                if jitter is not None:
                    c += jitter.uniform(-15, 15)
                    w *= jitter.uniform(0.9, 1.1)
                out.append((1.0 / w, c - w / 2, 0.0, 1.0))
            elif ch["kind"] == "percentile":
                lo, hi = st["percentiles"][ch["low"]], st["percentiles"][ch["high"]]
                span = (hi - lo) or 1.0
                if jitter is not None:
                    lo += jitter.uniform(-0.03, 0.03) * span
                    hi += jitter.uniform(-0.12, 0.08) * span
                    span = (hi - lo) or 1.0
                out.append((1.0 / span, lo, 0.0, 1.0))
            elif ch["kind"] == "zscore":
                out.append((1.0 / (st["std"] or 1.0), st["mean"], -math.inf, math.inf))
            else:
                out.append((1.0, 0.0, -math.inf, math.inf))
        return out

    def batch(self, index: Sequence[int], rng: np.random.Generator | None, augment: dict | None):
        xs = []
        for n in index:
            raw = self.images[n].double()
            chans = []
            for scale, offset, lo, hi in self.channel_affines(n, rng if augment else None):
                chans.append(torch.clamp((raw - offset) * scale, lo, hi).float())
            x = torch.stack(chans)
            if augment and augment.get("gamma") and rng.random() < 0.5:
                x = x.clamp(0, 1) ** float(np.exp(rng.uniform(-0.35, 0.35)))
            xs.append(x)
        x = torch.stack(xs)
        t = self.targets[list(index)].float()
        sup = self.supervised[list(index)]
        if augment:
            x, t = geometric(x, t, rng, augment)
            if augment.get("noise"):
                x = x + torch.randn_like(x) * float(rng.uniform(0, augment["noise"]))
        return x, t, sup


def geometric(x, t, rng, augment):
    """Random rotation (± deg), isotropic scale, translation; optional 180° rotation (a proper
    rotation, so left/right organs stay themselves). Never mirror: that would swap the kidneys."""
    b = x.shape[0]
    thetas = []
    for _ in range(b):
        a = math.radians(rng.uniform(-augment["rotate"], augment["rotate"]))
        if augment.get("rot180", 0) and rng.random() < augment["rot180"]:
            a += math.pi
        s = math.exp(rng.uniform(-augment["scale"], augment["scale"]))
        tx, ty = rng.uniform(-augment["shift"], augment["shift"], 2)
        thetas.append([[math.cos(a) / s, -math.sin(a) / s, tx], [math.sin(a) / s, math.cos(a) / s, ty]])
    theta = torch.tensor(thetas, dtype=torch.float32)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    t = F.grid_sample(t, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    t[:, 0] += (1 - t.sum(1)).clamp(min=0)  # outside the image: background
    return x, t


def partial_label_loss(logits, target, supervised, dice_weight: float = 1.0):
    """Soft-target cross-entropy + soft Dice that only uses what each slice's labels know.

    Per slice, classes whose labels are not supervised are merged with background into one
    group (marginal likelihood): CHAOS CT slices, which only know liver vs not-liver, train
    p(liver) and p(not liver) = p(background) + p(kidneys) + p(spleen), and say nothing about
    which non-liver class a pixel is. Dice is averaged over the organ classes, each over the
    slices that supervise it.
    """
    b, c = logits.shape[:2]
    lse = torch.logsumexp(logits, dim=1, keepdim=True)
    merged = (~supervised).clone()
    merged[:, 0] = True  # background always belongs to the merged group
    organ = supervised.clone()
    organ[:, 0] = False
    neg = torch.finfo(logits.dtype).min / 4
    merged_logit = torch.logsumexp(
        torch.where(merged[:, :, None, None], logits, torch.full_like(logits, neg)), dim=1, keepdim=True
    )
    log_p = logits - lse
    log_merged = merged_logit - lse
    t_organ = target * organ[:, :, None, None]
    t_merged = (1 - t_organ.sum(1, keepdim=True)).clamp(min=0)
    ce = -(t_organ * log_p).sum(1, keepdim=True) - t_merged * log_merged
    ce = ce.mean()
    p = torch.softmax(logits, dim=1)
    dices = []
    for k in range(1, c):
        rows = organ[:, k]
        if rows.any():
            pk, tk = p[rows, k], target[rows, k]
            dices.append(1 - (2 * (pk * tk).sum() + 1) / (pk.sum() + tk.sum() + 1))
    dice = torch.stack(dices).mean() if dices else logits.sum() * 0
    return ce + dice_weight * dice, float(ce), float(dice)


def lr_at(step: int, total: int, base: float, warmup: int) -> float:
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(model, data: Prepared, iterations: int, batch: int, lr: float, seed: int, augment: dict,
          weights: np.ndarray | None = None, log=print, warmup: int = 50, log_every: int = 25):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim == 1 else decay).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=lr)
    probs = None if weights is None else weights / weights.sum()
    history = []
    started = time.time()
    model.train()
    for step in range(iterations):
        for g in opt.param_groups:
            g["lr"] = lr_at(step, iterations, lr, warmup)
        index = rng.choice(len(data), size=batch, replace=len(data) < batch, p=probs)
        x, t, sup = data.batch(index, rng, augment)
        logits = model(x)
        loss, ce, dice = partial_label_loss(logits, t, sup)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        history.append([step, round(float(loss), 5), round(ce, 5), round(dice, 5)])
        if step % log_every == 0 or step == iterations - 1:
            elapsed = time.time() - started
            log(f"it {step:5d}  loss {float(loss):.4f}  ce {ce:.4f}  dice {dice:.4f}  "
                f"lr {opt.param_groups[0]['lr']:.2e}  {elapsed:7.1f}s  ({elapsed / (step + 1):.2f} s/it)")
    model.eval()
    return history, time.time() - started


@torch.no_grad()
def predict_slices(model, raw_slices: np.ndarray, shape, channels, batch: int = 8) -> np.ndarray:
    """Label maps [n, ny, nx] exactly as segmentVolume + OrtSegmentationModel produce them."""
    model.eval()
    out = np.zeros(raw_slices.shape, np.uint8)
    for start in range(0, raw_slices.shape[0], batch):
        chunk = raw_slices[start:start + batch]
        x = torch.from_numpy(np.stack([network_input(s, shape, channels) for s in chunk]))
        logits = model(x).numpy()
        for n in range(chunk.shape[0]):
            out[start + n] = labels_on_image_grid(logits[n], chunk[n].shape)
    return out


def dice_scores(pred: np.ndarray, truth: np.ndarray, classes: Sequence[int],
                names: Sequence[str] = CLASSES) -> Dict[str, float]:
    """Dice per class over the whole stack (as the CLI's evaluate: 1 when both are empty)."""
    out = {}
    for c in classes:
        p, t = pred == c, truth == c
        denom = int(p.sum()) + int(t.sum())
        out[names[c]] = 1.0 if denom == 0 else 2.0 * int((p & t).sum()) / denom
    return out
