#!/usr/bin/env bash
# The test suite, as CI runs it: set-up (system packages if missing), then every test in release
# mode (numeric tests are slow unoptimised).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift test -c release
scripts/test-formats.sh
# The page of `nucleiseg serve` in a real browser (installs chromium and Selenium when missing).
scripts/test-browser.sh
# scripts/slurm/predict-array.sh against a real Slurm started on this machine (installs
# slurm-wlm and munge when missing; needs root).
scripts/test-slurm.sh
