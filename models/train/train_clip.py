#!/usr/bin/python3
"""Train, export and check the CHAOS CLIP organ localiser (models/chaos-clip/).

    /usr/bin/python3 models/train/train_clip.py            # full run (~25 min, 1 thread) -> models/chaos-clip/
    /usr/bin/python3 models/train/train_clip.py --smoke    # CI: a few iterations, temp output, < 1 min

Data: $XAI_CLIP_DATA or <repo>/../shared/data (see clip_data.py for the split). Outputs: clip_image.onnx,
clip_text.onnx, vocab.json, prompt_embeddings.json, clip.manifest-part.json, golden/ (input/output pairs
for the ONNX parity test), training_log.json, split.json (the ids trained on and held out, which the
benchmark and the evaluations read). After exporting it runs check_clip_onnx.js (onnxruntime-node)
when node is available.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clip_data  # noqa: E402
from clip_data import CLASSES, PROMPTS, SIZE  # noqa: E402
from clip_model import ClipModel, ImageExport, TextExport, l2_normalise  # noqa: E402
from common import split_file  # noqa: E402

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
MODEL_NAME = 'chaos-clip'
CONTEXT_LENGTH = 16
N_CTX = 4
SOT, EOT, PAD = '<sot>', '<eot>', '<pad>'
IMAGE_KWARGS = dict(size=SIZE, patch=8, dim=128, depth=3, heads=4, mlp_ratio=2.0, embed=128, stem=(24, 48), res=1)
TEXT_KWARGS = dict(context_length=CONTEXT_LENGTH, n_ctx=N_CTX, width=96, depth=3, heads=4, embed=128)


# ----------------------------------------------------------------------------------------------
# Tokenizer: the same rules as extension/src/runtime/clip/tokenize.ts.

def build_vocabulary():
    words = sorted({w for prompts in PROMPTS.values() for p in prompts for w in re.findall(r'[a-z0-9]+', p.lower())})
    vocab = {PAD: 0, SOT: 1}
    for w in words:
        vocab[w] = len(vocab)
    vocab[EOT] = len(vocab)  # highest id, as in CLIP
    return vocab


def tokenize(text, vocab, context_length=CONTEXT_LENGTH):
    words = [w for w in re.findall(r'[a-z0-9]+', text.lower()) if w in vocab]
    if not words:
        raise ValueError(f'no known word in "{text}"')
    ids = ([vocab[SOT]] + [vocab[w] for w in words])[:context_length - 1] + [vocab[EOT]]
    return ids + [vocab[PAD]] * (context_length - len(ids))


def prompt_table(vocab):
    """All prompts as ids [P,L] and, per class, the rows of its synonyms."""
    ids, rows = [], []
    for name in CLASSES:
        rows.append([])
        for prompt in PROMPTS[name]:
            rows[-1].append(len(ids))
            ids.append(tokenize(prompt, vocab))
    return torch.tensor(ids, dtype=torch.int64), rows


def class_embeddings(text_embeds, rows):
    """The runtime's class embedding: mean of the L2-normalised synonym embeddings, renormalised."""
    return l2_normalise(torch.stack([l2_normalise(text_embeds[r]).mean(0) for r in rows]))


# ----------------------------------------------------------------------------------------------
# Augmentation at the encoder's grid (raw intensities), then the runtime's z-score.

def augment(images, targets, modalities, generator):
    b = images.shape[0]
    rnd = lambda *shape: torch.rand(*shape, generator=generator)  # noqa: E731
    scale = 0.85 + 0.35 * rnd(b)           # zoom: < 1 zooms in (organs bigger), > 1 out
    angle = (rnd(b) - 0.5) * math.radians(20)
    shift = (rnd(b, 2) - 0.5) * 0.16
    flip = torch.where(rnd(b) < 0.5, -1.0, 1.0)  # vertical flip: anterior up or down
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 0, 2] = cos, -sin * flip, shift[:, 0]
    theta[:, 1, 0], theta[:, 1, 1], theta[:, 1, 2] = sin, cos * flip, shift[:, 1]
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    low = images.amin(dim=(1, 2, 3), keepdim=True)
    images = F.grid_sample(images - low, grid, mode='bilinear', padding_mode='zeros', align_corners=False) + low
    targets = F.grid_sample(targets, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    targets[:, 0] += (1 - targets.sum(dim=1)).clamp_min(0)
    # Intensity: gamma on MR, noise on both (z-scoring removes any global scale/offset).
    out = []
    for n in range(b):
        x = images[n]
        if modalities[n] == 'MR':
            lo, hi = x.min(), x.max()
            gamma = float(torch.exp((rnd(1) - 0.5) * 0.8))
            x = lo + (hi - lo) * ((x - lo) / (hi - lo + 1e-6)).clamp(0, 1).pow(gamma)
        std = x.std()
        x = x + torch.randn(x.shape, generator=generator) * std * float(rnd(1)) * 0.05
        out.append(x)
    return torch.stack(out), targets


# ----------------------------------------------------------------------------------------------
# Losses

def dense_loss(patch_embeds, emb, scale, targets, known, presence, weights):
    """Per-pixel softmax over the prompt classes of logitScale * cosine, the cosine map upsampled
    bilinearly from the patch grid as the runtime does. Cross-entropy against the pixel's class
    fractions; a "background" pixel of a partially labelled slice (CHAOS CT: liver only) may be
    any unlabelled class (marginal likelihood); organ pixels weigh `weights` (small organs more, which
    also widens the thresholded region towards full coverage). Plus a soft Dice on the labelled organs
    present."""
    b, n, _ = patch_embeds.shape
    g = int(round(math.sqrt(n)))
    sim = torch.einsum('bne,ke->bkn', patch_embeds, emb).reshape(b, -1, g, g)
    sim = F.interpolate(sim, size=targets.shape[-2:], mode='bilinear', align_corners=False)
    logp = F.log_softmax(scale * sim, dim=1)
    allowed = ~known
    allowed[:, 0] = True
    log_bg = torch.logsumexp(logp.masked_fill(~allowed[:, :, None, None], -1e4), dim=1)
    organ_t = targets[:, 1:] * known[:, 1:, None, None]
    ce = -(organ_t * logp[:, 1:] * weights[1:, None, None]).sum(1) - weights[0] * targets[:, 0] * log_bg
    p = logp[:, 1:].exp()
    inter = (p * organ_t).sum((2, 3))
    dice = 1 - (2 * inter + 1) / (p.sum((2, 3)) + organ_t.sum((2, 3)) + 1)
    use = (known[:, 1:] & (presence[:, 1:] > 0)).float()
    dice = (dice * use).sum() / use.sum().clamp_min(1)
    return ce.mean(), dice


def presence_loss(model, image_embeds, emb, presence, known):
    """Image-text term: sigmoid contrastive (SigLIP-style) between the image embedding and each
    organ's class embedding, positive when the organ is in the slice."""
    logits = model.presence_scale.exp() * image_embeds @ emb[1:].T + model.presence_bias
    loss = F.binary_cross_entropy_with_logits(logits, presence[:, 1:], reduction='none')
    mask = known[:, 1:].float()
    return (loss * mask).sum() / mask.sum().clamp_min(1)


# ----------------------------------------------------------------------------------------------
# Held-out localisation, the runtime's recipe (targetProbabilityMap -> roiFromSimilarity with margin 0:
# min-max -> Otsu (256 bins) -> largest 4-connected component -> bounding box). For monitoring; the
# reference numbers come from eval_clip_localisation.js, which runs the project's own code.

def otsu(values, bins=256):
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return lo
    width = (hi - lo) / bins
    idx = np.minimum(np.floor((values - lo) / width).astype(np.int64), bins - 1)
    hist = np.bincount(idx.ravel(), minlength=bins).astype(np.float64)
    b = np.arange(bins, dtype=np.float64)
    c0 = np.cumsum(hist)[:-1]
    m0 = np.cumsum(hist * b)[:-1]
    total, moment = hist.sum(), (hist * b).sum()
    c1 = total - c0
    with np.errstate(divide='ignore', invalid='ignore'):
        diff = m0 / c0 - (moment - m0) / c1
        var = np.where((c0 > 0) & (c1 > 0), c0 * c1 * diff * diff, -1)
    best = var.max()
    first = int(np.argmax(var >= best * (1 - 1e-12)))
    last = first
    while last + 1 < len(var) and var[last + 1] >= best * (1 - 1e-12):
        last += 1
    return lo + ((first + last) // 2 + 1) * width


def roi_box(prob):
    from scipy import ndimage as ndi
    lo, hi = prob.min(), prob.max()
    if hi - lo < 1e-6:
        return None
    norm = (prob - lo) / (hi - lo)
    mask = norm > otsu(norm)
    lab, n = ndi.label(mask)
    if n == 0:
        return None
    sizes = ndi.sum(mask, lab, range(1, n + 1))
    comp = lab == (1 + int(np.argmax(sizes)))
    rows, cols = np.where(comp.any(1))[0], np.where(comp.any(0))[0]
    return rows[0], rows[-1] + 1, cols[0], cols[-1] + 1


@torch.no_grad()
def roi_results(model, slices, emb, scales):
    """Per scale, per organ: lists of (coverage, area) of the ROI (margin 0) on every slice with the organ."""
    results = {s: {c: [] for c in CLASSES[1:]} for s in scales}
    for image, label, modality, known in slices:
        x = clip_data.zscore(clip_data.resample(image))[None, None]
        _, patches = model.image(x)
        g = model.image.grid
        sim = (patches[0] @ emb.T).T.reshape(1, len(CLASSES), g, g)
        sim = F.interpolate(sim, size=image.shape, mode='bilinear', align_corners=False)[0]
        body = clip_data.body_mask(image, modality).sum()
        for c in range(1, len(CLASSES)):
            gt = label == c
            if not known[c] or gt.sum() == 0:
                continue
            for scale in scales:
                box = roi_box(torch.softmax(scale * sim, dim=0)[c].numpy())
                if box is None:
                    cov, area = 1.0, image.size / body
                else:
                    r0, r1, c0, c1 = box
                    cov, area = gt[r0:r1, c0:c1].sum() / gt.sum(), (r1 - r0) * (c1 - c0) / body
                results[scale][CLASSES[c]].append((float(cov), float(area)))
    return results


def summary(per_organ):
    return {c: {'slices': len(v), 'coverage': round(float(np.mean([x[0] for x in v])), 4) if v else None,
                'area': round(float(np.mean([x[1] for x in v])), 4) if v else None,
                'meetingBoth': sum(1 for x in v if x[0] >= 0.95 and x[1] <= 0.35)} for c, v in per_organ.items()}


def calibrate_logit_scale(model, slices, emb, scales=(2, 3, 4, 5, 6, 8, 10, 14, 20)):
    """Post-hoc temperature for the manifest's logitScale, chosen on TRAINING slices only: the scale
    at which most slice-organ pairs meet both ROI targets (coverage >= 0.95, area <= 0.35 of the body)."""
    results = roi_results(model, slices, emb, scales)
    table = {str(s): summary(results[s]) for s in scales}
    score = {s: sum(1 for v in results[s].values() for x in v if x[0] >= 0.95 and x[1] <= 0.35) for s in scales}
    best = max(scales, key=lambda s: (score[s], s))
    return float(best), table


# ----------------------------------------------------------------------------------------------
# Export

def synthetic_images(batch=2):
    """Deterministic phantoms (an ellipse 'body' with blobs and noise) for the golden pairs: no patient
    pixels in the repository."""
    rng = np.random.default_rng(1234)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE - 0.5
    out = []
    for n in range(batch):
        img = np.where((xx / 0.42) ** 2 + (yy / 0.32) ** 2 < 1, 1.0, -1.0).astype(np.float32)
        for _ in range(4):
            cx, cy, r = rng.uniform(-0.3, 0.3), rng.uniform(-0.2, 0.2), rng.uniform(0.04, 0.12)
            img += rng.uniform(0.5, 2.0) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        img += rng.normal(0, 0.1, img.shape).astype(np.float32)
        out.append(img)
    x = torch.from_numpy(np.stack(out)[:, None].astype(np.float32))
    return clip_data.zscore(x)


def write_json(path, obj):
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2)
        f.write('\n')


def export(model, vocab, out_dir, meta, scale):
    import onnx
    model.eval()
    os.makedirs(out_dir, exist_ok=True)
    image_path = os.path.join(out_dir, 'clip_image.onnx')
    text_path = os.path.join(out_dir, 'clip_text.onnx')
    dummy = torch.zeros(1, 1, SIZE, SIZE)
    torch.onnx.export(ImageExport(model.image), (dummy,), image_path, opset_version=17, do_constant_folding=True,
                      input_names=['image'], output_names=['image_embeds', 'patch_embeds'],
                      dynamic_axes={'image': {0: 'batch'}, 'image_embeds': {0: 'batch'}, 'patch_embeds': {0: 'batch'}})
    ids, rows = prompt_table(vocab)
    torch.onnx.export(TextExport(model.text), (ids[:1],), text_path, opset_version=17, do_constant_folding=True,
                      input_names=['input_ids'], output_names=['text_embeds'],
                      dynamic_axes={'input_ids': {0: 'prompts'}, 'text_embeds': {0: 'prompts'}})
    for path in (image_path, text_path):
        onnx.checker.check_model(onnx.load(path))

    with torch.no_grad():
        text_embeds = model.text(ids)
        emb = class_embeddings(text_embeds, rows)
        golden_images = synthetic_images(2)
        image_embeds, patch_embeds = model.image(golden_images)
    write_json(os.path.join(out_dir, 'vocab.json'), vocab)
    write_json(os.path.join(out_dir, 'prompt_embeddings.json'),
               {name: [float('%.9g' % v) for v in emb[k].tolist()] for k, name in enumerate(CLASSES)})
    golden = os.path.join(out_dir, 'golden')
    os.makedirs(golden, exist_ok=True)
    arrays = {
        'image_input': golden_images.numpy().astype('<f4'),
        'image_embeds': image_embeds.numpy().astype('<f4'),
        'patch_embeds': patch_embeds.numpy().astype('<f4'),
        'text_input_ids': ids.numpy().astype('<i8'),
        'text_embeds': text_embeds.numpy().astype('<f4'),
    }
    for name, array in arrays.items():
        array.tofile(os.path.join(golden, name + '.bin'))
    prompts = [p for name in CLASSES for p in PROMPTS[name]]
    write_json(os.path.join(golden, 'golden.json'), {
        'description': 'torch outputs of the exported CLIP towers, little-endian raw arrays (float32, '
                       'input_ids int64); images are synthetic z-scored phantoms, prompts the shipped ones',
        'tolerance': 1e-4,
        'image': {'file': 'clip_image.onnx', 'input': {'name': 'image', 'file': 'image_input.bin',
                                                       'shape': list(golden_images.shape)},
                  'outputs': {'image_embeds': {'file': 'image_embeds.bin', 'shape': list(image_embeds.shape)},
                              'patch_embeds': {'file': 'patch_embeds.bin', 'shape': list(patch_embeds.shape)}}},
        'text': {'file': 'clip_text.onnx', 'prompts': prompts,
                 'input': {'name': 'input_ids', 'file': 'text_input_ids.bin', 'shape': list(ids.shape)},
                 'outputs': {'text_embeds': {'file': 'text_embeds.bin', 'shape': list(text_embeds.shape)}}},
    })
    part = {
        'imageEncoder': {'file': 'clip_image.onnx', 'inputName': 'image', 'patchOutput': 'patch_embeds',
                         'globalOutput': 'image_embeds', 'shape': [SIZE, SIZE],
                         'grid': [model.image.grid, model.image.grid], 'channels': [{'kind': 'zscore'}]},
        'textEncoder': {'file': 'clip_text.onnx', 'inputName': 'input_ids', 'outputName': 'text_embeds',
                        'vocabulary': 'vocab.json', 'contextLength': CONTEXT_LENGTH,
                        'startToken': SOT, 'endToken': EOT, 'padToken': PAD},
        'promptEmbeddings': 'prompt_embeddings.json',
        'prompts': PROMPTS,
        'embeddingSize': int(emb.shape[1]),
        'logitScale': round(float(scale), 4),
    }
    write_json(os.path.join(out_dir, 'clip.manifest-part.json'), part)
    meta = dict(meta, logitScale=round(float(scale), 4))
    write_json(os.path.join(out_dir, 'training_log.json'), meta)
    # Keep the JSON files prettier-clean (the repository's lint runs `prettier --check .`).
    prettier = os.path.join(REPO, 'node_modules', '.bin', 'prettier')
    if os.path.exists(prettier) and out_dir.startswith(REPO):
        subprocess.run([prettier, '--write', '--log-level', 'warn', out_dir], check=False, cwd=REPO)


def node_check(out_dir):
    """torch vs onnxruntime-node on the golden pairs (check_clip_onnx.js)."""
    node = shutil.which('node')
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'check_clip_onnx.js')
    if not node:
        print('node not found: skipping the onnxruntime-node parity check')
        return None
    result = subprocess.run([node, script, out_dir], capture_output=True, text=True)
    print(result.stdout.strip() or result.stderr.strip())
    if result.returncode != 0:
        raise SystemExit('ONNX parity check failed:\n' + result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default=os.path.join(REPO, 'models', MODEL_NAME))
    parser.add_argument('--iters', type=int, default=900)
    parser.add_argument('--batch', type=int, default=24)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--ct-share', type=float, default=0.35, help='fraction of CT slices per batch (sampling)')
    parser.add_argument('--synonym-weight', type=float, default=0.5)
    parser.add_argument('--presence-weight', type=float, default=0.2)
    parser.add_argument('--dice-weight', type=float, default=0.5)
    parser.add_argument('--pole-boost', type=float, default=1.0,
                        help='sampling weight of CHAOS MR slices that show a kidney or the spleen at under 40 %% of '
                             'its largest area in that subject (the organ poles, where the ROI missed most); '
                             'the shipped model used 1 (see the model card for a run with 3)')
    parser.add_argument('--context-tokens', type=int, default=N_CTX,
                        help='learned context vectors inserted after <sot> in the text tower (CoOp form); '
                             f'0 = the plain prompt. The shipped model used {N_CTX}. With --export-only the '
                             "checkpoint's own value is used")
    parser.add_argument('--class-weights', default='1,1.5,4,4,3.5', help='CE weight per class (background first)')
    parser.add_argument('--logit-scale', type=float, default=0.0,
                        help='manifest logitScale; 0 (default) calibrates it on training slices')
    parser.add_argument('--checkpoint', default='/tmp/chaos-clip.pt')
    parser.add_argument('--export-only', action='store_true', help='export --checkpoint without training')
    parser.add_argument('--smoke', action='store_true', help='CI: a few iterations into a temp folder')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--held-out-mr', default='',
                        help='comma-separated CHAOS MR subjects to hold out instead of the shipped split '
                             f'{clip_data.HELD_OUT_MR} (cross-validation folds; see cross_validate_clip.sh)')
    args = parser.parse_args()
    if args.held_out_mr:
        clip_data.HELD_OUT_MR = clip_data.parse_subjects(args.held_out_mr)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    if args.smoke:
        args.iters, args.batch = 4, 4
        args.out = tempfile.mkdtemp(prefix='chaos-clip-smoke-')
        args.checkpoint = os.path.join(args.out, 'smoke.pt')
    start = time.time()
    root = clip_data.data_root()
    vocab = build_vocabulary()
    ids, rows = prompt_table(vocab)
    if args.export_only:
        # The checkpoint fixes the architecture: a checkpoint without the option was trained with N_CTX.
        with open(args.checkpoint + '.json') as f:
            saved = json.load(f)
        args.context_tokens = saved['args'].get('context_tokens', N_CTX)
    if args.context_tokens < 0:
        raise SystemExit(f'--context-tokens must be 0 or more, got {args.context_tokens}.')
    text_kwargs = dict(TEXT_KWARGS, n_ctx=args.context_tokens)
    model = ClipModel(len(vocab), vocab[EOT], IMAGE_KWARGS, text_kwargs)
    n_image = sum(p.numel() for p in model.image.parameters())
    n_text = sum(p.numel() for p in model.text.parameters())
    print(f'params: image {n_image:,}, text {n_text:,}; vocabulary {len(vocab)} tokens', flush=True)

    meta = {'model': MODEL_NAME, 'command': ' '.join(['/usr/bin/python3', 'models/train/train_clip.py'] + sys.argv[1:]),
            'image': IMAGE_KWARGS, 'text': text_kwargs, 'imageParams': n_image, 'textParams': n_text,
            'classes': CLASSES, 'heldOutMR': clip_data.HELD_OUT_MR, 'ctTrainFiles': clip_data.CT_TRAIN_FILES,
            'ctHeldOutFiles': clip_data.CT_HELD_OUT_FILES, 'args': {k: v for k, v in vars(args).items()},
            'torch': torch.__version__, 'threads': args.threads}

    if args.export_only:
        model.load_state_dict(torch.load(args.checkpoint))
        meta['exportCommand'] = meta['command']
        meta.update(saved)
    else:
        samples = clip_data.training_samples(root, smoke=args.smoke)
        print(f'{len(samples)} training slices loaded in {time.time() - start:.1f} s', flush=True)
        is_ct = np.array([s.modality == 'CT' for s in samples])
        weights = np.where(is_ct, args.ct_share / max(1, is_ct.sum()), (1 - args.ct_share) / max(1, (~is_ct).sum()))
        pole = clip_data.pole_slices(samples)
        print(f'{int(pole.sum())} pole slices drawn {args.pole_boost}x as often', flush=True)
        weights = weights * np.where(pole, args.pole_boost, 1.0)
        weights = weights / weights.sum()
        rng = np.random.default_rng(args.seed)
        generator = torch.Generator().manual_seed(args.seed)
        optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
        warmup = max(1, min(30, args.iters // 10))
        schedule = lambda it: min(1.0, (it + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * it / args.iters))  # noqa: E731
        lr_schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, schedule)
        class_weights = torch.tensor([float(w) for w in args.class_weights.split(',')])
        log = []
        train_start = time.time()
        model.train()
        for it in range(args.iters):
            pick = rng.choice(len(samples), size=args.batch, p=weights)
            batch = [samples[i] for i in pick]
            images = torch.stack([s.image for s in batch])[:, None]
            targets = torch.stack([s.target for s in batch])
            known = torch.stack([s.known for s in batch])
            presence = torch.stack([s.presence for s in batch])
            images, targets = augment(images, targets, [s.modality for s in batch], generator)
            presence = (targets.sum(dim=(2, 3)) >= 4.0).float()
            x = clip_data.zscore(images)

            image_embeds, patch_embeds = model.image(x)
            text_embeds = model.text(ids)
            emb = class_embeddings(text_embeds, rows)
            synonyms = l2_normalise(torch.stack([text_embeds[r[int(rng.integers(len(r)))]] for r in rows]))
            scale = model.logit_scale()
            ce, dice = dense_loss(patch_embeds, emb, scale, targets, known, presence, class_weights)
            ce_s, dice_s = dense_loss(patch_embeds, synonyms, scale, targets, known, presence, class_weights)
            pres = presence_loss(model, image_embeds, emb, presence, known)
            loss = (ce + args.dice_weight * dice + args.synonym_weight * (ce_s + args.dice_weight * dice_s)
                    + args.presence_weight * pres)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            lr_schedule.step()
            if it % 10 == 0 or it == args.iters - 1:
                elapsed = time.time() - train_start
                entry = {'iter': it, 'loss': round(loss.item(), 4), 'ce': round(ce.item(), 4),
                         'dice': round(dice.item(), 4), 'presence': round(pres.item(), 4),
                         'logitScale': round(scale.item(), 2), 'seconds': round(elapsed, 1)}
                log.append(entry)
                print(json.dumps(entry), f'{elapsed / (it + 1):.2f} s/it', flush=True)
        meta['trainSeconds'] = round(time.time() - train_start, 1)
        meta['log'] = log
        torch.save(model.state_dict(), args.checkpoint)
        with open(args.checkpoint + '.json', 'w') as f:
            json.dump({k: meta[k] for k in ('command', 'args', 'trainSeconds', 'log')}, f)

    model.eval()
    with torch.no_grad():
        emb = class_embeddings(model.text(ids), rows)
    learned = float(model.logit_scale())
    meta['learnedLogitScale'] = round(learned, 4)
    if args.logit_scale:
        scale = args.logit_scale
    else:
        calibration = clip_data.calibration_slices(root, smoke=args.smoke)
        scale, meta['calibration'] = calibrate_logit_scale(model, calibration, emb)
        for s, organs in meta['calibration'].items():
            print(f'  calibration logitScale {s:>3}: ' + ', '.join(
                f"{c} {v['coverage']}/{v['area']} ({v['meetingBoth']}/{v['slices']})" for c, v in organs.items()), flush=True)
    print(f'logitScale: learned {learned:.3f}, manifest {scale}', flush=True)
    held = clip_data.held_out_slices(root, smoke=args.smoke)
    all_known = [True] * len(CLASSES)
    held = [(image, label, modality, all_known) for image, label, modality, _ in held]
    meta['heldOutPython'] = summary(roi_results(model, held, emb, [scale])[scale])
    print('held-out (python replica of the ROI recipe, margin 0):', json.dumps(meta['heldOutPython']), flush=True)
    export(model, vocab, args.out, meta, scale)
    split_file.write_split(args.out, MODEL_NAME, meta['command'], clip_data.split_sources(root, args.smoke),
                           smoke=args.smoke)
    meta['onnxParity'] = node_check(args.out)
    meta['wallSeconds'] = round(time.time() - start, 1)
    write_json(os.path.join(args.out, 'training_log.json'), meta)
    if os.path.exists(os.path.join(REPO, 'node_modules', '.bin', 'prettier')) and args.out.startswith(REPO):
        subprocess.run([os.path.join(REPO, 'node_modules', '.bin', 'prettier'), '--write', '--log-level', 'warn',
                        os.path.join(args.out, 'training_log.json'), os.path.join(args.out, split_file.SPLIT_FILE)],
                       check=False, cwd=REPO)
    print(f'wrote {args.out} in {meta["wallSeconds"]} s', flush=True)


if __name__ == '__main__':
    main()
