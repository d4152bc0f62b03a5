#!/usr/bin/env bash
# Subject-level cross-validation of the CLIP localiser over the 16 CHAOS MR subjects (issue 22, item 6): four
# folds of four subjects. Each fold trains the shipped recipe (900 iterations, seed 0) on the other 12 MR subjects
# plus the CT and TotalSegmentator training slices, calibrates its per-organ ROI settings on its own training
# slices (calibrate_clip_roi.js), and scores its four held-out subjects with the product's ROI code
# (eval_clip_localisation.js: the region, margins 0 and 10 mm). Fold 1 is the shipped split, so the shipped model
# is that fold's model (not retrained). summarise_cross_validation.py pools the 16 subjects into
# models/chaos-clip/cross_validation.json.
#
#   WORK=/tmp/clip-cv PARALLEL=3 bash models/train/cross_validate_clip.sh
#
# Everything but that JSON goes under $WORK. A fold whose held-out scores exist is not redone, nor a trained fold
# retrained, so an interrupted run resumes. PARALLEL folds train at once (one thread each; about 20 min each with
# 3 at once on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3
work="${WORK:-/tmp/clip-cv}"
parallel="${PARALLEL:-1}"
iters="${ITERS:-900}"
[[ "$parallel" =~ ^[1-9][0-9]*$ ]] || { echo "PARALLEL must be a whole number of folds ≥ 1, got '$parallel'." >&2; exit 2; }
# Fold 1 = the shipped held-out split (clip_data.HELD_OUT_MR); the other 12 subjects dealt in turn to folds 2-4.
folds=("3,13,21,33" "1,8,19,31" "2,10,20,32" "5,15,22,34")
mkdir -p "$work"

evaluate() {
  local model="$1" run="$2"
  node models/train/eval_clip_localisation.js --model "$model" --margins 0,10 --json "$run/eval-mask.json" \
    > "$run.eval.log" 2>&1 || { tail -20 "$run.eval.log" >&2; return 1; }
}

fold() {
  local n="$1" subjects="$2" run="$work/fold$1"
  if [ -s "$run/eval-mask.json" ]; then echo "fold $n ($subjects): done before, kept"; return; fi
  mkdir -p "$run"
  if [ "$n" = 1 ] && [ "$iters" = 900 ]; then
    echo "fold $n ($subjects): the shipped model, scored"
    evaluate models/chaos-clip "$run"
    return
  fi
  # training_log.json gets onnxParity last, after the export, split.json and the parity check: only then is a fold done.
  if grep -q '"onnxParity"' "$run/training_log.json" 2>/dev/null; then
    echo "fold $n ($subjects): trained before, kept"
  else
    echo "fold $n ($subjects): training $iters iterations"
    "$python" models/train/train_clip.py --iters "$iters" --held-out-mr "$subjects" --out "$run" \
      --checkpoint "$work/fold$n.pt" > "$run.train.log" 2>&1 || { tail -20 "$run.train.log" >&2; return 1; }
  fi
  node models/train/calibrate_clip_roi.js --model "$run" --write > "$run.calibrate.log" 2>&1 \
    || { tail -20 "$run.calibrate.log" >&2; return 1; }
  evaluate "$run" "$run"
  echo "fold $n ($subjects): scored"
}

# A failed fold stops the run, and the folds still training with it: none is left running on its own.
trap 'kill $(jobs -rp) 2>/dev/null || true' EXIT
failed=0
for n in 1 2 3 4; do
  fold "$n" "${folds[$((n - 1))]}" &
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || failed=1; done
  [ "$failed" = 0 ] || { echo "a fold failed (its log is in $work); stopping." >&2; exit 1; }
done
while [ -n "$(jobs -rp)" ]; do wait -n || failed=1; done
[ "$failed" = 0 ] || { echo "a fold failed (its log is in $work)." >&2; exit 1; }
"$python" models/train/summarise_cross_validation.py --work "$work" --iters "$iters" \
  --folds "${folds[@]}" --out models/chaos-clip/cross_validation.json
node_modules/.bin/prettier --write --log-level warn models/chaos-clip/cross_validation.json
