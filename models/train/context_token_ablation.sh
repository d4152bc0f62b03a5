#!/usr/bin/env bash
# Ablation of the CLIP text tower's learned context tokens (issue 22, item 5): for each seed, train with 0 (the
# plain prompt) and with 4 context tokens (the shipped model's), same data, split and budget; calibrate each
# model's per-organ ROI settings on its training slices (calibrate_clip_roi.js); score the held-out slices with
# the product's ROI code (eval_clip_localisation.js: region at margins 0 and 10 mm, box at margin 0); then
# summarise the paired per-slice differences into models/chaos-clip/context_token_ablation.json.
#
#   ITERS=300 SEEDS="0 1 2" WORK=/tmp/clip-context-ablation bash models/train/context_token_ablation.sh
#
# Everything but that JSON goes under $WORK (never into models/chaos-clip). A run whose held-out scores exist
# is not redone, so an interrupted ablation resumes. One training at a time, one thread each.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3
iters="${ITERS:-300}"
seeds="${SEEDS:-0 1 2}"
work="${WORK:-/tmp/clip-context-ablation}"
mkdir -p "$work"
for seed in $seeds; do
  for tokens in 0 4; do
    run="$work/seed$seed-ctx$tokens"
    if [ -s "$run/eval-box.json" ]; then echo "$run: done before, kept"; continue; fi
    echo "$run: training $iters iterations with $tokens context tokens, seed $seed"
    "$python" models/train/train_clip.py --iters "$iters" --seed "$seed" --context-tokens "$tokens" --out "$run" \
      --checkpoint "$work/seed$seed-ctx$tokens.pt" > "$run.train.log" 2>&1 || { tail -20 "$run.train.log" >&2; exit 1; }
    node models/train/calibrate_clip_roi.js --model "$run" --write > "$run.calibrate.log" 2>&1 \
      || { tail -20 "$run.calibrate.log" >&2; exit 1; }
    node models/train/eval_clip_localisation.js --model "$run" --margins 0,10 --json "$run/eval-mask.json" \
      > "$run.eval-mask.log"
    node models/train/eval_clip_localisation.js --model "$run" --shape box --margins 0 --json "$run/eval-box.json" \
      > "$run.eval-box.log"
  done
done
"$python" models/train/summarise_context_ablation.py --work "$work" --iters "$iters" --seeds $seeds \
  --out models/chaos-clip/context_token_ablation.json
node_modules/.bin/prettier --write --log-level warn models/chaos-clip/context_token_ablation.json
