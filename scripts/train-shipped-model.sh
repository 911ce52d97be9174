#!/usr/bin/env bash
# Retrains the shipped nuclei model (Sources/NucleiSeg/Resources/nuclei-unet-mobilenetv2.safetensors)
# from the bundled data: the DSB2018 train folder together with the nuclei samples' train/val split,
# native-resolution crops. Never a test folder: those are only evaluated on, overall and per kind.
# Copy runs/shipped/model.safetensors over the resource to ship it. Extra arguments go to `train`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
run=runs/shipped
.build/release/nucleiseg train --data data/dsb2018/train --data data/nuclei-samples --sampling crops \
    --crops-per-image 8 --augmentation seed --eight-bit percentiles \
    --epochs 50 --patience 10 --test-data data/dsb2018/test --overwrite --output "$run" "$@"
# The post-processing, chosen on the run's own validation images (never a test folder) and recorded in the model.
.build/release/nucleiseg tune --data data/dsb2018/train --data data/nuclei-samples --model "$run/model.safetensors" \
    --write "$run/model.safetensors"
.build/release/nucleiseg evaluate --data data/dsb2018/test --model "$run/model.safetensors" \
    --by data/dsb2018/test/manifest.tsv --output "$run/evaluation"
.build/release/nucleiseg evaluate --data data/nuclei-samples --model "$run/model.safetensors" --output "$run/evaluation-samples"
.build/release/nucleiseg report "$run"
