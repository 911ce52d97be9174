#!/usr/bin/env bash
# The main job on the bundled data: set up, train with the published defaults, evaluate on the
# test split and write the report. Prints where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.build/release/nucleiseg train --data data/nuclei-samples --output runs/main "$@"
