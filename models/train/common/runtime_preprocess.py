"""Numpy mirror of the TypeScript runtime's 2-D segmenter preprocessing.

The shipped models only work if training sees exactly what `OrtSegmentationModel` feeds them:

1. the raw slice (float32, shape [H=ny, W=nx], row j / column i as the engine stores voxel
   i + j·nx) is resampled to the fixed network grid by `resampleLinear`
   (extension/src/engine/util/resample.ts): separable linear interpolation, pixel-centre
   convention (source = (d + 0.5)·nₛ/n_d − 0.5, clamped to [0, nₛ − 1]), no antialiasing,
   axis i (columns) first, then axis j (rows), float32 intermediates;
2. each channel transform (`writeChannels.ts`) is (x − offset)·scale clipped to [low, high],
   with the statistics of `intensityStatistics.ts` computed on the RAW, unresampled slice
   (percentile p = sorted[round(p/100·(n − 1))], JavaScript rounding, i.e. floor(x + 0.5));
3. the network's logits get a softmax over classes; the probabilities go back to the image grid
   with the same `resampleLinear`, and the label is the argmax (`segmentVolume.ts`).

`resample_linear` here equals torch `F.interpolate(mode='bilinear', align_corners=False)`
(no antialias) up to float rounding; it is written out so evaluation needs no torch.
"""
from __future__ import annotations

import math
from typing import Dict, List, Sequence

import numpy as np

Channel = Dict[str, object]


def _axis_tables(source_size: int, size: int):
    scale = source_size / size
    d = np.arange(size, dtype=np.float64)
    position = np.minimum(source_size - 1, np.maximum(0.0, (d + 0.5) * scale - 0.5))
    lower = np.floor(position).astype(np.int64)
    upper = np.minimum(source_size - 1, lower + 1)
    fraction = (position - lower).astype(np.float32)  # a Float32Array in the runtime
    return lower, upper, fraction


def resample_linear(image: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """Resamples [..., H, W] to [..., shape[0], shape[1]] like the runtime's resampleLinear."""
    out = np.asarray(image, dtype=np.float32)
    h, w = int(shape[0]), int(shape[1])
    if out.shape[-1] != w:  # axis i (columns) first, as the runtime does
        lo, up, fr = _axis_tables(out.shape[-1], w)
        a = out[..., lo].astype(np.float64)
        out = (a + fr.astype(np.float64) * (out[..., up] - a)).astype(np.float32)
    if out.shape[-2] != h:
        lo, up, fr = _axis_tables(out.shape[-2], h)
        a = out[..., lo, :].astype(np.float64)
        out = (a + fr.astype(np.float64)[:, None] * (out[..., up, :] - a)).astype(np.float32)
    return out


def js_round(x: float) -> int:
    """JavaScript Math.round (halves go up)."""
    return int(math.floor(x + 0.5))


def intensity_statistics(raw: np.ndarray, channels: List[Channel]) -> dict:
    """Mean, std and the requested percentiles of the raw slice, as intensityStatistics.ts."""
    values = np.asarray(raw, dtype=np.float32).ravel()
    v64 = values.astype(np.float64)
    mean = float(v64.sum() / v64.size)
    std = math.sqrt(max(0.0, float((v64 * v64).sum() / v64.size) - mean * mean))
    percentiles = {}
    wanted = [p for c in channels if c["kind"] == "percentile" for p in (c["low"], c["high"])]
    if wanted:
        ordered = np.sort(values)
        for p in wanted:
            position = min(ordered.size - 1, max(0, js_round((p / 100) * (ordered.size - 1))))
            percentiles[p] = float(ordered[position])
    return {"mean": mean, "std": std, "percentiles": percentiles}


def channel_affine(channel: Channel, stats: dict):
    """(scale, offset, low, high) of one channel transform, as writeChannels.ts affineOf."""
    kind = channel["kind"]
    if kind == "window":
        return 1.0 / channel["width"], channel["center"] - channel["width"] / 2, 0.0, 1.0
    if kind == "zscore":
        return 1.0 / (stats["std"] or 1.0), stats["mean"], -math.inf, math.inf
    if kind == "percentile":
        low, high = stats["percentiles"][channel["low"]], stats["percentiles"][channel["high"]]
        return 1.0 / ((high - low) or 1.0), low, 0.0, 1.0
    if kind == "raw":
        return 1.0, 0.0, -math.inf, math.inf
    raise ValueError(f"unknown channel kind {kind}")


def write_channels(resampled: np.ndarray, channels: List[Channel], stats: dict) -> np.ndarray:
    """[C, H, W] float32 network input from a resampled slice."""
    x = np.asarray(resampled, dtype=np.float32).astype(np.float64)
    out = []
    for channel in channels:
        scale, offset, low, high = channel_affine(channel, stats)
        out.append(np.clip((x - offset) * scale, low, high).astype(np.float32))
    return np.stack(out)


def network_input(raw_slice: np.ndarray, shape: Sequence[int], channels: List[Channel]) -> np.ndarray:
    """The runtime's network input [C, H, W] for one raw slice [ny, nx]."""
    raw = np.asarray(raw_slice, dtype=np.float32)
    stats = intensity_statistics(raw, channels)
    return write_channels(resample_linear(raw, shape), channels, stats)


def softmax(logits: np.ndarray, axis: int = 0) -> np.ndarray:
    z = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def labels_on_image_grid(logits: np.ndarray, image_shape: Sequence[int]) -> np.ndarray:
    """Argmax label map [ny, nx] from network logits [C, h, w], as segmentVolume.ts does
    (softmax, probabilities resampled back to the image grid, first maximal class wins)."""
    probabilities = softmax(logits.astype(np.float32), axis=0).astype(np.float32)
    back = resample_linear(probabilities, image_shape)
    return np.argmax(back, axis=0).astype(np.uint8)
