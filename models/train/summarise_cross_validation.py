#!/usr/bin/python3
"""Summarise the CLIP localiser's subject-level cross-validation (cross_validate_clip.sh) into one JSON.

    /usr/bin/python3 models/train/summarise_cross_validation.py --work /tmp/clip-cv --iters 900 \
        --folds 3,13,21,33 1,8,19,31 2,10,20,32 5,15,22,34 --out models/chaos-clip/cross_validation.json

Reads <work>/fold<N>/eval-mask.json (eval_clip_localisation.js --json). Every CHAOS MR subject is held out in
exactly one fold, so its slices are scored by the one model that never saw it; the MR rows pool those slices over
the 16 subjects. Per organ and margin: mean coverage and area / body over the slices, slices meeting both targets,
each fold's and each subject's mean coverage, and a 95 % interval of the mean coverage by a subject-level
(cluster) bootstrap: subjects are drawn with replacement with all their slices, because slices of one subject are
not independent. The CT study (one patient) is held out in every fold alike; its rows are per fold.
"""

import argparse
import json
import os

import numpy as np

TARGETS = {'coverage': 0.95, 'area': 0.35}
BOOTSTRAP = 10000


def subject_of(source):
    """'chaos-mr-13:24' -> 13."""
    return int(source.split(':')[0].rsplit('-', 1)[1])


def cluster_interval(values, clusters, rng):
    """Percentile-bootstrap 95 % interval of the mean of `values`, resampling whole clusters."""
    ids = sorted(set(clusters))
    members = [np.array([v for v, c in zip(values, clusters) if c == i]) for i in ids]
    draws = rng.integers(0, len(ids), size=(BOOTSTRAP, len(ids)))
    sums = np.array([m.sum() for m in members])
    counts = np.array([len(m) for m in members])
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    return [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]


def row(results):
    cov = np.array([r['coverage'] for r in results])
    area = np.array([r['area'] for r in results])
    return {'slices': len(results), 'coverage': round(float(cov.mean()), 4), 'area': round(float(area.mean()), 4),
            'slicesMeetingBoth': int(((cov >= TARGETS['coverage']) & (area <= TARGETS['area'])).sum()),
            'slicesBelow0.5': int((cov < 0.5).sum())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--work', required=True)
    parser.add_argument('--iters', type=int, required=True)
    parser.add_argument('--folds', nargs='+', required=True, help='held-out MR subjects per fold, e.g. 3,13,21,33')
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    folds = [sorted(int(s) for s in f.split(',')) for f in args.folds]
    reports = []
    for n, subjects in enumerate(folds, start=1):
        path = os.path.join(args.work, f'fold{n}', 'eval-mask.json')
        with open(path) as f:
            report = json.load(f)
        if sorted(report['mrSubjects']) != subjects:
            raise SystemExit(f'{path} scored MR subjects {report["mrSubjects"]}, not fold {n}\'s {subjects}: '
                             'that fold\'s model was trained on another split; delete the fold folder and rerun.')
        trained = os.path.join(report['model'], 'training_log.json')
        with open(trained) as f:
            iters = json.load(f)['args']['iters']
        if iters != args.iters:
            raise SystemExit(f'fold {n}\'s model ({trained}) trained {iters} iterations, not --iters {args.iters}: '
                             'delete that fold\'s folder (or pass its --iters) and rerun.')
        reports.append(report)
    every = sorted(s for f in folds for s in f)
    if len(set(every)) != len(every):
        raise SystemExit(f'a subject is held out in more than one fold: {args.folds}')
    summary = {
        'what': 'Subject-level 4-fold cross-validation of the CLIP localiser over the 16 CHAOS MR subjects: each '
                'fold trained with the shipped recipe on the other 12 MR subjects (plus the CT and TotalSegmentator '
                'training slices), its per-organ ROI settings calibrated on its own training slices, its held-out '
                'subjects scored with the product ROI code (the region). Fold 1 is the shipped model.',
        'command': 'bash models/train/cross_validate_clip.sh',
        'iterations': args.iters, 'seed': 0, 'targets': TARGETS,
        'interval': f'subject-level cluster bootstrap of the mean over slices ({BOOTSTRAP} draws, numpy seed 0)',
        'folds': [{'heldOutMR': subjects, 'logitScale': r['logitScale'], 'roiByClass': r['roiByClass']}
                  for subjects, r in zip(folds, reports)],
        'margins': {}}
    for margin in reports[0]['margins']:
        index = list(reports[0]['margins']).index(margin)
        mr, ct = {}, {}
        for n, report in enumerate(reports, start=1):
            for r in report['slices'][index]:
                if r['modality'] == 'MR':
                    mr.setdefault(r['organ'], []).append((n, r))
                else:
                    ct.setdefault(r['organ'], {}).setdefault(n, []).append(r)
        table = {}
        for organ, pairs in mr.items():
            results = [r for _, r in pairs]
            subjects = [subject_of(r['source']) for r in results]
            entry = row(results)
            entry['coverageInterval95'] = cluster_interval([r['coverage'] for r in results], subjects, rng)
            entry['perFold'] = {str(n): row([r for m, r in pairs if m == n])
                                for n in sorted({m for m, _ in pairs})}
            entry['perSubjectCoverage'] = {
                str(s): round(float(np.mean([r['coverage'] for r in results if subject_of(r['source']) == s])), 4)
                for s in sorted(set(subjects))}
            entry['perSubjectSlices'] = {str(s): subjects.count(s) for s in sorted(set(subjects))}
            table[f'MR {organ}'] = entry
        for organ, by_fold in ct.items():
            table[f'CT {organ} (one patient, same slices every fold)'] = {
                'perFold': {str(n): row(rs) for n, rs in sorted(by_fold.items())}}
        summary['margins'][margin] = table
    with open(args.out, 'w') as f:
        json.dump(summary, f, indent=2)
        f.write('\n')
    for organ, entry in summary['margins']['0mm'].items():
        if 'coverage' in entry:
            print(f"{organ}: coverage {entry['coverage']} {entry['coverageInterval95']}, area {entry['area']}, "
                  f"{entry['slicesMeetingBoth']}/{entry['slices']} slices meet both")
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
