#!/usr/bin/env bash
# Installs what NucleiSeg needs on Debian 12 (oneDNN, libpng, libtiff, pkg-config) when it is
# missing (and unzip, which a test uses to read the server's archives), then builds the release
# binary. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libdnnl-dev libpng-dev libtiff-dev pkg-config unzip)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
if ! command -v swift >/dev/null 2>&1; then
    echo "error: the Swift toolchain (6.0 or newer) is not on PATH; install it from swift.org" >&2
    exit 1
fi
swift build -c release
