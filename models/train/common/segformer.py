"""A compact SegFormer-style 2-D segmenter, written by hand for torch 1.13 (no SDPA) and ONNX
opset 17 export.

Architecture (Xie et al., "SegFormer: Simple and Efficient Design for Semantic Segmentation with
Transformers", NeurIPS 2021), scaled down:

* hierarchical Mix-Transformer encoder, 4 stages at strides 4, 8, 16, 32 of the input;
* each stage starts with an OVERLAPPING patch embedding (a strided convolution, kernel 7/3/3/3,
  stride 4/2/2/2, padding kernel // 2) and a LayerNorm;
* blocks are pre-norm transformer blocks: efficient self-attention whose keys and values come
  from a spatially reduced token map (a strided conv with kernel = stride = sr + LayerNorm,
  so attention costs N·N/sr² instead of N²), then a Mix-FFN (Linear → 3×3 depthwise conv →
  GELU → Linear) that gives positional information without positional encodings;
* all-MLP decoder: each stage's tokens are projected to one width by a Linear (a 1×1 conv),
  upsampled bilinearly to the stride-4 grid, concatenated, fused by a 1×1 conv + BatchNorm + ReLU
  and classified by a 1×1 conv; the logits are upsampled bilinearly (align_corners=False)
  to the input size INSIDE the model, so the ONNX output is [batch, C, H, W].

Input `image` [batch, in_channels, H, W] float32 (H, W multiples of 32), output `logits`.
"""
from __future__ import annotations

from typing import Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F


class OverlapPatchEmbed(nn.Module):
    def __init__(self, in_channels: int, dim: int, kernel: int, stride: int):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, dim, kernel, stride, kernel // 2)
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        x = self.proj(x)
        h, w = int(x.shape[2]), int(x.shape[3])
        return self.norm(x.flatten(2).transpose(1, 2)), h, w


class EfficientSelfAttention(nn.Module):
    """Multi-head attention with spatial reduction of keys/values (hand-written softmax(QKᵀ)V)."""

    def __init__(self, dim: int, heads: int, sr: int):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads  # a Python int: keeps the ONNX graph free of shape math
        self.scale = self.head_dim ** -0.5
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.proj = nn.Linear(dim, dim)
        self.sr = sr
        if sr > 1:
            self.reduce = nn.Conv2d(dim, dim, sr, sr)
            self.norm = nn.LayerNorm(dim)

    def forward(self, x, h: int, w: int):
        dim = self.heads * self.head_dim
        q = self.q(x).reshape(-1, h * w, self.heads, self.head_dim).transpose(1, 2)
        if self.sr > 1:
            r = x.transpose(1, 2).reshape(-1, dim, h, w)
            r = self.reduce(r)
            m = int(r.shape[2]) * int(r.shape[3])
            r = self.norm(r.flatten(2).transpose(1, 2))
        else:
            r, m = x, h * w
        kv = self.kv(r).reshape(-1, m, 2, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        k, v = kv[0], kv[1]
        attention = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * self.scale, dim=-1)
        out = torch.matmul(attention, v).transpose(1, 2).reshape(-1, h * w, dim)
        return self.proj(out)


class MixFFN(nn.Module):
    def __init__(self, dim: int, ratio: int):
        super().__init__()
        hidden = dim * ratio
        self.hidden = hidden
        self.fc1 = nn.Linear(dim, hidden)
        self.dw = nn.Conv2d(hidden, hidden, 3, 1, 1, groups=hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x, h: int, w: int):
        x = self.fc1(x)
        x = self.dw(x.transpose(1, 2).reshape(-1, self.hidden, h, w)).flatten(2).transpose(1, 2)
        return self.fc2(F.gelu(x))


class Block(nn.Module):
    def __init__(self, dim: int, heads: int, sr: int, mlp_ratio: int, drop_path: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = EfficientSelfAttention(dim, heads, sr)
        self.norm2 = nn.LayerNorm(dim)
        self.ffn = MixFFN(dim, mlp_ratio)
        self.drop_path = drop_path

    def _drop(self, x):
        if not self.training or self.drop_path == 0.0:
            return x
        keep = 1.0 - self.drop_path
        mask = x.new_empty(x.shape[0], 1, 1).bernoulli_(keep) / keep
        return x * mask

    def forward(self, x, h: int, w: int):
        x = x + self._drop(self.attn(self.norm1(x), h, w))
        return x + self._drop(self.ffn(self.norm2(x), h, w))


class SegFormer2D(nn.Module):
    def __init__(
        self,
        in_channels: int = 1,
        num_classes: int = 5,
        dims: Sequence[int] = (32, 64, 128, 160),
        depths: Sequence[int] = (2, 2, 2, 2),
        heads: Sequence[int] = (1, 2, 4, 5),
        sr_ratios: Sequence[int] = (8, 4, 2, 1),
        mlp_ratio: int = 4,
        decoder_dim: int = 128,
        drop_path: float = 0.05,
    ):
        super().__init__()
        self.config = dict(
            in_channels=in_channels, num_classes=num_classes, dims=list(dims), depths=list(depths),
            heads=list(heads), sr_ratios=list(sr_ratios), mlp_ratio=mlp_ratio,
            decoder_dim=decoder_dim, drop_path=drop_path,
        )
        total = sum(depths)
        rates = [drop_path * i / max(1, total - 1) for i in range(total)]
        self.embeds = nn.ModuleList()
        self.stages = nn.ModuleList()
        self.norms = nn.ModuleList()
        previous, n = in_channels, 0
        for s, dim in enumerate(dims):
            kernel, stride = (7, 4) if s == 0 else (3, 2)
            self.embeds.append(OverlapPatchEmbed(previous, dim, kernel, stride))
            self.stages.append(
                nn.ModuleList(
                    Block(dim, heads[s], sr_ratios[s], mlp_ratio, rates[n + d]) for d in range(depths[s])
                )
            )
            self.norms.append(nn.LayerNorm(dim))
            previous, n = dim, n + depths[s]
        self.dims = list(dims)
        self.linears = nn.ModuleList(nn.Conv2d(d, decoder_dim, 1) for d in dims)
        self.fuse = nn.Sequential(
            nn.Conv2d(decoder_dim * len(dims), decoder_dim, 1, bias=False),
            nn.BatchNorm2d(decoder_dim),
            nn.ReLU(inplace=True),
        )
        self.dropout = nn.Dropout2d(0.1)
        self.classifier = nn.Conv2d(decoder_dim, num_classes, 1)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)

    def forward(self, image):
        size = (int(image.shape[2]), int(image.shape[3]))
        x = image
        features = []
        for embed, blocks, norm, dim in zip(self.embeds, self.stages, self.norms, self.dims):
            x, h, w = embed(x)
            for block in blocks:
                x = block(x, h, w)
            x = norm(x).transpose(1, 2).reshape(-1, dim, h, w)
            features.append(x)
        grid = features[0].shape[2:]
        grid = (int(grid[0]), int(grid[1]))
        decoded = []
        for f, linear in zip(features, self.linears):
            y = linear(f)
            if (int(y.shape[2]), int(y.shape[3])) != grid:
                y = F.interpolate(y, size=grid, mode="bilinear", align_corners=False)
            decoded.append(y)
        y = self.fuse(torch.cat(decoded[::-1], dim=1))
        logits = self.classifier(self.dropout(y))
        return F.interpolate(logits, size=size, mode="bilinear", align_corners=False)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
