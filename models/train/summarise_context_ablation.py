#!/usr/bin/python3
"""Summarise the context-token ablation (context_token_ablation.sh) into one JSON.

    /usr/bin/python3 models/train/summarise_context_ablation.py --work /tmp/clip-context-ablation \
        --iters 300 --seeds 0 1 2 --out models/chaos-clip/context_token_ablation.json

Reads <work>/seed<S>-ctx<N>/eval-{mask,box}.json (eval_clip_localisation.js --json) for N = 0 and 4. Per ROI
(shape, margin) and organ group: each run's mean coverage, mean area / body and slices meeting both targets;
and the paired difference 4 - 0 tokens per held-out slice-organ pair, averaged over the seeds, with a
bootstrap 95 % interval over those pairs (the seeds' spread is listed beside it).
"""

import argparse
import json
import os

import numpy as np

TOKENS = (0, 4)
ROIS = (('mask', '0mm'), ('mask', '10mm'), ('box', '0mm'))
TARGETS = {'coverage': 0.95, 'area': 0.35}
BOOTSTRAP = 10000


def load_pairs(work, seed, tokens, shape, margin):
    path = os.path.join(work, f'seed{seed}-ctx{tokens}', f'eval-{shape}.json')
    with open(path) as f:
        report = json.load(f)
    index = list(report['margins']).index(margin)
    return report['slices'][index]


def paired_interval(differences, rng):
    """Mean and percentile-bootstrap 95 % interval of per-pair differences."""
    draws = rng.integers(0, len(differences), size=(BOOTSTRAP, len(differences)))
    means = differences[draws].mean(axis=1)
    return [round(float(differences.mean()), 4), round(float(np.percentile(means, 2.5)), 4),
            round(float(np.percentile(means, 97.5)), 4)]


def summarise_roi(work, seeds, shape, margin, rng):
    runs = {(s, t): load_pairs(work, s, t, shape, margin) for s in seeds for t in TOKENS}
    reference = runs[(seeds[0], TOKENS[0])]
    keys = [(r['source'], r['organ']) for r in reference]
    for run, pairs in runs.items():
        if [(r['source'], r['organ']) for r in pairs] != keys:
            raise SystemExit(f'run {run} scored other slices than seed {seeds[0]} with 0 tokens: '
                             'rerun its evaluation on the same split.')
    groups = {}
    for n, r in enumerate(reference):
        groups.setdefault(f"{r['modality']} {r['organ']}", []).append(n)
    groups['all slice-organ pairs'] = list(range(len(reference)))
    table = {}
    for group, rows in groups.items():
        entry = {'pairs': len(rows), 'runs': {}}
        for (seed, tokens), pairs in runs.items():
            cov = np.array([pairs[n]['coverage'] for n in rows])
            area = np.array([pairs[n]['area'] for n in rows])
            entry['runs'][f'seed{seed}-ctx{tokens}'] = {
                'coverage': round(float(cov.mean()), 4), 'area': round(float(area.mean()), 4),
                'meetingBoth': int(((cov >= TARGETS['coverage']) & (area <= TARGETS['area'])).sum())}
        for metric in ('coverage', 'area'):
            per_seed = np.array([[runs[(s, 4)][n][metric] - runs[(s, 0)][n][metric] for n in rows] for s in seeds])
            entry[f'{metric}Difference4minus0'] = {
                'meanAndInterval95': paired_interval(per_seed.mean(axis=0), rng),
                'perSeed': [round(float(d), 4) for d in per_seed.mean(axis=1)]}
        table[group] = entry
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work', required=True)
    parser.add_argument('--iters', type=int, required=True)
    parser.add_argument('--seeds', type=int, nargs='+', required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    first = os.path.join(args.work, f'seed{args.seeds[0]}-ctx0')
    with open(os.path.join(first, 'eval-mask.json')) as f:
        held_out = json.load(f)
    summary = {
        'what': 'CLIP localiser trained with 0 (plain prompt) vs 4 learned context tokens, same data, split, seeds '
                'and budget; each model with its own per-organ ROI settings (calibrate_clip_roi.js on training '
                'slices); held-out slices scored by eval_clip_localisation.js. A reduced-budget ablation, not '
                'the shipped model (900 iterations).',
        'command': f'ITERS={args.iters} SEEDS="{" ".join(map(str, args.seeds))}" '
                   'bash models/train/context_token_ablation.sh',
        'iterations': args.iters, 'batch': 24, 'seeds': args.seeds, 'contextTokens': list(TOKENS),
        'heldOut': {'mrSubjects': held_out['mrSubjects'], 'ctFiles': held_out['ctFiles']},
        'targets': TARGETS,
        'differences': '4 tokens minus 0 tokens, per held-out slice-organ pair averaged over the seeds; '
                       f'percentile bootstrap over the pairs ({BOOTSTRAP} draws, numpy seed 0)',
        'roiSettings': {}, 'rois': {}}
    for seed in args.seeds:
        for tokens in TOKENS:
            with open(os.path.join(args.work, f'seed{seed}-ctx{tokens}', 'clip.manifest-part.json')) as f:
                part = json.load(f)
            summary['roiSettings'][f'seed{seed}-ctx{tokens}'] = {'logitScale': part['logitScale'],
                                                                     'roiByClass': part.get('roiByClass', {})}
    for shape, margin in ROIS:
        summary['rois'][f'{shape} {margin}'] = summarise_roi(args.work, args.seeds, shape, margin, rng)
    with open(args.out, 'w') as f:
        json.dump(summary, f, indent=2)
        f.write('\n')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
