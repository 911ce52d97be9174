#!/usr/bin/env bash
# Builds the A/B layer benchmark: layer_bench against Debian's oneDNN 2.6 (/usr/include, -ldnnl)
# and against a oneDNN 3.x prefix (include/ and lib/ as README.md "The builds" describes; it is
# not installed by the project, since 3.2 did not pay), and the driver.
#     benchmarks/onednn-layers/build.sh [ONEDNN3_PREFIX]   (default .build-onednn3/prefix)
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
prefix=${1:-$root/.build-onednn3/prefix}
out=$root/.build-onednn3/bench
mkdir -p "$out"
cc=${CC:-gcc}
$cc -O2 -shared -fPIC -o "$out/layer_bench_2.so" layer_bench.c -ldnnl
$cc -O2 -shared -fPIC -I "$prefix/include" -o "$out/layer_bench_3.so" layer_bench.c \
    -L "$prefix/lib" -l:libdnnl.so.3 -Wl,-rpath,"$prefix/lib"
$cc -O2 -o "$out/ab_driver" ab_driver.c -ldl
echo "$out/ab_driver $out/layer_bench_2.so $out/layer_bench_3.so 11 < trace.txt"
