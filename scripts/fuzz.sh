#!/usr/bin/env bash
# Builds the libFuzzer target (fuzz/DecoderFuzzer.swift: PNG, TIFF and safetensors readers) with
# the address sanitizer and runs it for SECONDS on one core, starting from the committed seeds in
# fuzz/corpus. New inputs go to .build-fuzz/corpus (not committed); crashes to .build-fuzz/crashes.
#   scripts/fuzz.sh 600              # ten minutes
#   scripts/fuzz.sh 0 FILE...        # re-run the given inputs once (reproduce a crash)
set -euo pipefail
seconds="${1:-60}"; shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out/modules" "$out/corpus" "$out/crashes"
cd "$root"

sanitize="-sanitize=fuzzer,address"
cflags="-O1 -g -fsanitize=fuzzer-no-link,address"
pngflags="$(pkg-config --cflags libpng16) $(pkg-config --cflags libtiff-4)"

# Module maps for the two C glue targets (SwiftPM generates these for a normal build).
for target in _CKernels _CImageIO; do
    header="$(ls "$root/Sources/$target/include/"*.h)"
    printf 'module %s {\n    header "%s"\n    export *\n}\n' "$target" "$header" > "$out/modules/$target.modulemap"
done
clang $cflags -fopenmp -c Sources/_CKernels/dnnl_kernels.c -I Sources/_CKernels/include -o "$out/dnnl_kernels.o"
clang $cflags $pngflags -c Sources/_CImageIO/imageio.c -I Sources/_CImageIO/include -o "$out/imageio.o"

swift_module() {  # name, sources...
    local name="$1"; shift
    swiftc -O -g $sanitize -parse-as-library -module-name "$name" -emit-module -emit-module-path "$out/modules/$name.swiftmodule" \
        -Xcc -fmodule-map-file="$out/modules/_CKernels.modulemap" -Xcc -fmodule-map-file="$out/modules/_CImageIO.modulemap" \
        -I "$out/modules" -c "$@" -wmo -o "$out/$name.o"
}
swift_module _FileSystemMessages $(find Sources/_FileSystemMessages -name '*.swift')
swift_module NucleiTensor $(find Sources/NucleiTensor -name '*.swift')
swift_module NucleiNN $(find Sources/NucleiNN -name '*.swift')
swift_module NucleiImaging $(find Sources/NucleiImaging -name '*.swift')
swiftc -O -g $sanitize -parse-as-library -I "$out/modules" \
    -Xcc -fmodule-map-file="$out/modules/_CKernels.modulemap" -Xcc -fmodule-map-file="$out/modules/_CImageIO.modulemap" \
    fuzz/DecoderFuzzer.swift "$out"/_FileSystemMessages.o "$out"/NucleiTensor.o "$out"/NucleiNN.o "$out"/NucleiImaging.o "$out"/dnnl_kernels.o "$out"/imageio.o \
    -ldnnl -lgomp -lpng16 -ltiff -o "$out/decoder-fuzzer"

if [ "$seconds" = 0 ]; then exec "$out/decoder-fuzzer" "$@"; fi
# One process (no -jobs: a fork would log into the current folder), one core; 512 MB per allocation and 5 s per input catch blow-ups and hangs.
"$out/decoder-fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -timeout=5 -max_len=65536 -artifact_prefix="$out/crashes/" -print_final_stats=1 "$out/corpus" "$root/fuzz/corpus" 2>&1 | tee -a "$out/fuzz.log"
