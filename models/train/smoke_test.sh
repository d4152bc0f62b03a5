#!/usr/bin/env bash
# Smoke test of the training code (CI): a few iterations of each segmenter and of the CLIP model on a few real
# slices (and the CLIP's ROI calibration), export to ONNX, onnx.checker, torch-vs-onnxruntime-node check, manifest, split + golden files,
# all into temporary folders (the shipped models are not touched). About 1 min on one core.
#
# Needs: Debian python3-torch python3-onnx python3-numpy python3-nibabel python3-pydicom
# python3-gdcm python3-pil python3-scipy (apt), `npm ci` done (for onnxruntime-node), and the data folder
# ($XAI_CLIP_DATA or ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/../.."
python=/usr/bin/python3
# It trains on real slices: without the research data it is skipped and says so (a clone alone),
# unless XAI_CLIP_REQUIRE_DATA=1 (CI), where that is an error.
data="${XAI_CLIP_DATA:-../shared/data}"
if [ ! -f "$data/README.md" ]; then
  if [ "${XAI_CLIP_REQUIRE_DATA:-}" = 1 ]; then
    echo "smoke test: research data not found at $data, and XAI_CLIP_REQUIRE_DATA=1." >&2
    exit 1
  fi
  echo "smoke test skipped (needs research data): not found at $data; put it in ../shared/data or set XAI_CLIP_DATA."
  echo "0 passed, 0 failed, 6 skipped"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for dataset in chaos-mr chaos-ct; do
  "$python" models/train/train_segmenter.py --dataset "$dataset" --smoke --out "$tmp/$dataset" \
    --checkpoint-dir "$tmp/checkpoints" 2> "$tmp/$dataset.stderr" || { cat "$tmp/$dataset.stderr" >&2; exit 1; }
  for file in segmenter.onnx manifest.json training_report.json split.json golden/golden.json; do
    test -s "$tmp/$dataset/$file" || { echo "smoke $dataset: $file missing" >&2; exit 1; }
  done
  if [ -f build/cli/xai-clip.mjs ]; then
    node bin/xai-clip.js models validate "$tmp/$dataset/manifest.json" > /dev/null
  fi
  echo "smoke $dataset: ok"
done
# The CLIP localiser: 4 iterations, ONNX export and the torch-vs-onnxruntime parity check (the
# script fails on a mismatch), into a temporary folder under $tmp (tempfile honours TMPDIR).
TMPDIR="$tmp" "$python" models/train/train_clip.py --smoke > "$tmp/clip.log" 2>&1 || { cat "$tmp/clip.log" >&2; exit 1; }
clip_out="$(ls -d "$tmp"/chaos-clip-smoke-*)"
for file in clip_image.onnx clip_text.onnx vocab.json prompt_embeddings.json clip.manifest-part.json split.json golden/golden.json; do
  test -s "$clip_out/$file" || { echo "smoke chaos-clip: $file missing" >&2; exit 1; }
done
echo "smoke chaos-clip: ok"
# Its per-organ ROI calibration (the product's ROI code in Node), on the smoke model, nothing written.
node models/train/calibrate_clip_roi.js --smoke --model "$clip_out" > "$tmp/calibrate.log" 2>&1 \
  || { cat "$tmp/calibrate.log" >&2; exit 1; }
grep -q '^roiByClass: {"liver"' "$tmp/calibrate.log" || { cat "$tmp/calibrate.log" >&2; exit 1; }
echo "smoke clip ROI calibration: ok"
# The plain-prompt text tower of the context-token ablation (--context-tokens 0): trains, exports, matches
# onnxruntime, and its log says it had no context vectors.
mkdir "$tmp/plain"
TMPDIR="$tmp/plain" "$python" models/train/train_clip.py --smoke --context-tokens 0 > "$tmp/clip-plain.log" 2>&1 \
  || { cat "$tmp/clip-plain.log" >&2; exit 1; }
grep -q '"n_ctx": 0' "$tmp"/plain/chaos-clip-smoke-*/training_log.json \
  || { echo "smoke chaos-clip --context-tokens 0: its training_log.json does not record n_ctx 0" >&2; exit 1; }
echo "smoke chaos-clip --context-tokens 0: ok"
# One cross-validation fold (cross_validate_clip.sh): another held-out subject trains, its split says so, the
# product's ROI code scores that subject, and the summary pools it; an unknown subject is refused.
mkdir -p "$tmp/cv/fold1"
TMPDIR="$tmp/cv" "$python" models/train/train_clip.py --smoke --held-out-mr 8 > "$tmp/clip-fold.log" 2>&1 \
  || { cat "$tmp/clip-fold.log" >&2; exit 1; }
fold_out="$(ls -d "$tmp"/cv/chaos-clip-smoke-*)"
node models/train/eval_clip_localisation.js --model "$fold_out" --margins 0 --ct-files 40 \
  --json "$tmp/cv/fold1/eval-mask.json" > "$tmp/cv-eval.log" 2>&1 || { cat "$tmp/cv-eval.log" >&2; exit 1; }
"$python" models/train/summarise_cross_validation.py --work "$tmp/cv" --iters 4 --folds 8 --out "$tmp/cv.json" \
  > "$tmp/cv-summary.log" 2>&1 || { cat "$tmp/cv-eval.log" "$tmp/cv-summary.log" >&2; exit 1; }
grep -q '"8": ' "$tmp/cv.json" || { echo "smoke cross-validation: subject 8 missing from the summary" >&2; exit 1; }
if "$python" models/train/train_clip.py --smoke --held-out-mr 4 > "$tmp/clip-bad.log" 2>&1 \
  || ! grep -q 'are not among them' "$tmp/clip-bad.log"; then
  echo "smoke chaos-clip --held-out-mr 4: not refused as an unknown subject" >&2; cat "$tmp/clip-bad.log" >&2; exit 1
fi
echo "smoke clip cross-validation fold: ok"
echo "6 passed, 0 failed"
