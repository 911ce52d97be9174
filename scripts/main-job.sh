#!/usr/bin/env bash
# The main job: the seed's experiment on the bundled DSB2018 data. Set up, train on
# data/dsb2018/train with the published defaults (128x128 resize, batch 32, Adam 1e-3, 100 epochs,
# early stopping 20 with best weights restored, seeded 80:20 split, RandomFlip), evaluate on
# data/dsb2018/test (overall and per kind) and write the report. Prints where the report is.
# Extra arguments go to `nucleiseg train` (for example --precision float32).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
run=runs/main
start=$(date +%s)
.build/release/nucleiseg train --data data/dsb2018/train --test-data data/dsb2018/test --augmentation seed --head seed \
    --overwrite --output "$run" "$@"
trained=$(date +%s)
.build/release/nucleiseg evaluate --data data/dsb2018/test --model "$run/model.safetensors" \
    --by data/dsb2018/test/manifest.tsv --output "$run/evaluation"
.build/release/nucleiseg report "$run"
echo "training and test evaluation took $((trained - start)) s; report: $run/report.html"
