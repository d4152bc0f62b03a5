"""TinyCLIP for abdominal organ localisation: a small ViT image tower and a CoOp text tower.

Both towers follow the ONNX I/O contract of the runtime (shared/notes/models-runtime.md §10):

- image tower: ``image`` [B,1,H,W] float32 -> ``image_embeds`` [B,E], ``patch_embeds`` [B,N,E]
  (both L2-normalised, N = rows*cols, row-major);
- text tower: ``input_ids`` int64 [K,L] as made by extension/src/runtime/clip/tokenize.ts
  ([<sot>, words..., <eot>, <pad>...]) -> ``text_embeds`` [K,E] (L2-normalised).

torch 1.13 has no scaled-dot-product attention, so attention is written out by hand; head sizes
are Python ints so the exported graph has no shape arithmetic on them.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def l2_normalise(x, dim=-1):
    # Same as the runtime's normalize() up to the epsilon (a zero vector stays zero).
    return x / x.norm(dim=dim, keepdim=True).clamp_min(1e-12)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = int(heads)
        self.head_dim = int(dim // heads)
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, mask=None):
        b, n, _ = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = torch.matmul(q, k.transpose(-2, -1)) * self.scale
        if mask is not None:
            attn = attn + mask
        attn = attn.softmax(dim=-1)
        y = torch.matmul(attn, v).transpose(1, 2).reshape(b, n, self.heads * self.head_dim)
        return self.out(y)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        hidden = int(dim * mlp_ratio)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))

    def forward(self, x, mask=None):
        x = x + self.attn(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))


class ResidualConv(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return x + F.gelu(self.conv(x))


class ImageEncoder(nn.Module):
    """ViT with a small convolutional stem (three stride-2 stages = patch 8) and a CLS token.

    The stem (3x3 convs at 1/2 and 1/4 resolution, each followed by `res` residual 3x3 convs, then a
    2x2 patchify conv) gives each 8x8 patch token local features that a single linear patch
    embedding learns only slowly from a few hundred slices (ViT-hybrid / "early convolutions"
    recipe). Everything after it is a plain pre-norm ViT over CLS + rows*cols patch tokens.
    """

    def __init__(self, size=128, patch=8, dim=128, depth=4, heads=4, mlp_ratio=2.0, embed=128,
                 stem=(16, 32), res=0):
        super().__init__()
        assert patch == 8, 'the stem is built for patch 8 (three stride-2 stages)'
        self.size = int(size)
        self.grid = int(size // patch)
        c1, c2 = stem
        layers = [nn.Conv2d(1, c1, 3, stride=2, padding=1), nn.GELU()]
        layers += [ResidualConv(c1) for _ in range(res)]
        layers += [nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.GELU()]
        layers += [ResidualConv(c2) for _ in range(res)]
        layers += [nn.Conv2d(c2, dim, 2, stride=2)]
        self.stem = nn.Sequential(*layers)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.randn(1, 1 + self.grid * self.grid, dim) * 0.02)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, embed, bias=False)        # CLS -> image_embeds
        self.patch_proj = nn.Linear(dim, embed, bias=False)  # patch tokens -> patch_embeds

    def forward(self, image):
        x = self.stem(image)                      # [B, D, g, g]
        x = x.flatten(2).transpose(1, 2)          # [B, N, D], row-major patches
        cls = self.cls.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        image_embeds = l2_normalise(self.proj(x[:, 0]))
        patch_embeds = l2_normalise(self.patch_proj(x[:, 1:]))
        return image_embeds, patch_embeds


class TextEncoder(nn.Module):
    """Causal transformer over word tokens with CoOp context vectors and EOT pooling.

    The input is the runtime tokenizer's ids [<sot>, w1..wm, <eot>, <pad>...] (length L). Inside,
    n_ctx learnable context vectors are inserted after <sot> (MediCLIP/CoOp: "X X X X liver"),
    so the sequence is [<sot>, ctx_1..ctx_n, w1..wm, <eot>, <pad>...] of length L + n_ctx. The
    feature at the <eot> position (causal attention: it has seen the whole prompt) is projected
    and L2-normalised. n_ctx = 0 is the plain prompt (the ablation of the context vectors).
    """

    def __init__(self, vocab_size, eot_id, context_length=16, n_ctx=4, width=96, depth=3, heads=4,
                 embed=128):
        super().__init__()
        self.eot_id = int(eot_id)
        self.n_ctx = int(n_ctx)
        self.context_length = int(context_length)
        seq = self.context_length + self.n_ctx
        self.token = nn.Embedding(vocab_size, width)
        self.ctx = nn.Parameter(torch.randn(self.n_ctx, width) * 0.02) if self.n_ctx else None
        self.pos = nn.Parameter(torch.randn(seq, width) * 0.01)
        self.blocks = nn.ModuleList([Block(width, heads, 4.0) for _ in range(depth)])
        self.norm = nn.LayerNorm(width)
        self.proj = nn.Linear(width, embed, bias=False)
        causal = torch.full((seq, seq), float('-inf')).triu(1)
        self.register_buffer('causal', causal, persistent=False)

    def forward(self, input_ids):
        k = input_ids.shape[0]
        tokens = self.token(input_ids)                                 # [K, L, W]
        ctx = [self.ctx.unsqueeze(0).expand(k, -1, -1)] if self.n_ctx else []
        x = torch.cat([tokens[:, :1], *ctx, tokens[:, 1:]], dim=1) + self.pos
        for block in self.blocks:
            x = block(x, self.causal)
        x = self.norm(x)
        # EOT pooling with a one-hot weight (exports as plain arithmetic, no gather).
        eot = (input_ids[:, 1:] == self.eot_id).to(x.dtype)            # [K, L-1]
        eot = torch.cat([torch.zeros(k, 1 + self.n_ctx, dtype=x.dtype), eot], dim=1)
        pooled = (eot.unsqueeze(-1) * x).sum(dim=1)
        return l2_normalise(self.proj(pooled))


class ClipModel(nn.Module):
    def __init__(self, vocab_size, eot_id, image_kwargs=None, text_kwargs=None, logit_scale=10.0):
        super().__init__()
        self.image = ImageEncoder(**(image_kwargs or {}))
        self.text = TextEncoder(vocab_size, eot_id, **(text_kwargs or {}))
        # CLIP's temperature (learned, clamped at 100) and a bias for the sigmoid presence loss.
        self.log_scale = nn.Parameter(torch.tensor(math.log(logit_scale)))
        self.presence_scale = nn.Parameter(torch.tensor(math.log(10.0)))
        self.presence_bias = nn.Parameter(torch.tensor(-2.0))

    def logit_scale(self):
        return self.log_scale.clamp(max=math.log(100.0)).exp()


class ImageExport(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, image):
        return self.encoder(image)


class TextExport(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids):
        return self.encoder(input_ids)
