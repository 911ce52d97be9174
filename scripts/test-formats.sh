#!/usr/bin/env bash
# Opens NucleiSeg's outputs with the ecosystem's own readers from a throw-away virtual
# environment installed from PyPI: predict's label TIFF, ROI zip, GeoJSON and CSV with tifffile,
# roifile, shapely (scripts/check-formats.py), and the exported model with onnx, onnxruntime
# and bioimageio.spec (scripts/check-export.py).
#
#   scripts/test-formats.sh            # builds nucleiseg (release) first
#
# The environment lives in $FORMATS_VENV (default ~/.cache/nucleiseg/formats-venv) and is
# (re)created when a package is missing. About a minute on 2 cores once installed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.build/release/nucleiseg
VENV=${FORMATS_VENV:-$HOME/.cache/nucleiseg/formats-venv}
# Pinned to the versions the checks were written against (a newer reader may change a default).
PACKAGES="numpy==2.4.6 tifffile==2026.3.3 roifile==2026.2.10 shapely==2.2.0 pillow==13.0.0 scipy==1.17.1 onnx==1.23.2 onnxruntime==1.32.0 bioimageio.spec==0.5.14.3"
if ! "$VENV/bin/python" -c "import numpy, tifffile, roifile, shapely, PIL, scipy, onnx, onnxruntime, bioimageio.spec" 2>/dev/null; then
    echo "installing $PACKAGES into $VENV ..."
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q $PACKAGES
fi
PY=$VENV/bin/python
swift build -c release 2>&1 | tail -1  # incremental: never test a stale binary
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# 1. Real DSB2018 test images (a fluorescence and a colour one), every format, no pixel size.
IMAGES=(data/dsb2018/test/0c6507d493bf79b2ba248c5cca3d14df8b67328b89efa5f4a32f97a06a88c92c/images/*.png
        data/dsb2018/test/0bf33d3db4282d918ec3da7112d0bf0427d4eafe74b3ee0bb419770eefe8d7d6/images/*.png)
"$BIN" predict "${IMAGES[@]}" --output "$WORK/plain" --format all --no-overlay
for image in "${IMAGES[@]}"; do
    "$PY" scripts/check-formats.py "$WORK/plain" "$(basename "$image" .png)"
done

# 2. --pixel-size on the command line.
"$BIN" predict "${IMAGES[0]}" --output "$WORK/sized" --format all --no-overlay --pixel-size 0.325
"$PY" scripts/check-formats.py "$WORK/sized" "$(basename "${IMAGES[0]}" .png)" --pixel-size 0.325

# 3. The pixel size read from an ImageJ-calibrated TIFF input (written by tifffile).
"$PY" - "${IMAGES[0]}" "$WORK/calibrated.tif" <<'PYEOF'
import sys
import numpy as np, tifffile
from PIL import Image
image = np.array(Image.open(sys.argv[1]).convert("L"))
tifffile.imwrite(sys.argv[2], image, imagej=True, resolution=(1 / 0.65, 1 / 0.65), metadata={"unit": "um"})
PYEOF
"$BIN" predict "$WORK/calibrated.tif" --output "$WORK/fromfile" --format all --no-overlay | tee "$WORK/fromfile.log"
grep -q "pixel size 0.65" "$WORK/fromfile.log" || { echo "FAIL: the TIFF's pixel size was not read"; exit 1; }
"$PY" scripts/check-formats.py "$WORK/fromfile" calibrated --pixel-size 0.65

# 3b. Streaming prediction: a tiled 16-bit BigTIFF input written by tifffile (a fluorescence
#     image tiled 5 x 4), predicted by 256 px blocks; tifffile reads the tiled BigTIFF labels,
#     whose nuclei are the CSV's (areas, centroids) and about as many as the whole-image path finds.
"$PY" - "${IMAGES[0]}" "$WORK/tiled.tif" <<'PYEOF'
import sys
import numpy as np, tifffile
from PIL import Image
image = np.array(Image.open(sys.argv[1]).convert("L")).astype(np.uint16) * 257
tifffile.imwrite(sys.argv[2], np.tile(image, (4, 5)), bigtiff=True, tile=(128, 128), compression="zlib")
PYEOF
"$BIN" predict "$WORK/tiled.tif" --output "$WORK/streamed" --streaming --block-size 256 --block-margin 64 --pixel-size 0.5
"$BIN" predict "$WORK/tiled.tif" --output "$WORK/whole" --no-streaming --format tiff --no-overlay
"$PY" - "$WORK/streamed" "$WORK/whole" <<'PYEOF'
import csv, sys
import numpy as np, tifffile
with tifffile.TiffFile(f"{sys.argv[1]}/tiled_labels.tif") as tif:
    page = tif.pages[0]
    assert tif.is_bigtiff and page.is_tiled and page.dtype == np.uint32, (tif.is_bigtiff, page.is_tiled, page.dtype)
    labels = page.asarray()
rows = list(csv.DictReader(open(f"{sys.argv[1]}/tiled_nuclei.csv")))
ids, areas = np.unique(labels[labels > 0], return_counts=True)
assert list(ids) == list(range(1, len(rows) + 1)), "labels are 1..N, one per CSV row"
for row, area in zip(rows, areas):
    assert int(row["area"]) == area, (row, area)
    ys, xs = np.nonzero(labels == int(row["label"])) if int(row["label"]) % 50 == 1 else (None, None)
    if ys is not None:
        assert abs(xs.mean() - float(row["centroid_x"])) < 1e-3 and abs(ys.mean() - float(row["centroid_y"])) < 1e-3, row
whole = tifffile.imread(f"{sys.argv[2]}/tiled_labels.tif")
assert whole.shape == labels.shape
count, reference = len(rows), len(np.unique(whole[whole > 0]))
assert abs(count - reference) <= 0.03 * reference, (count, reference)
print(f"streamed labels: tiled BigTIFF {labels.shape}, {count} nuclei (whole image: {reference}), areas and centroids equal the CSV")
PYEOF

# 4. The model as ONNX: the shipped 2-class model on a real fluorescence image, and the same
#    network with a random 3-class (contour head) output layer, each run by onnxruntime
#    against our float32 logits.
"$BIN" export --format onnx --output "$WORK/onnx/shipped.onnx" --sample "${IMAGES[0]}"
"$PY" scripts/check-export.py onnx "$WORK/onnx/shipped.onnx" --classes 2
"$BIN" export --random-output-classes 3 --format onnx --output "$WORK/onnx/contour.onnx" --sample "${IMAGES[1]}"
"$PY" scripts/check-export.py onnx "$WORK/onnx/contour.onnx" --classes 3

# 5. The bioimage.io package: validated by bioimageio.spec, its test tensors reproduced.
"$BIN" export --format bioimageio --output "$WORK/bioimageio/nuclei" --sample "${IMAGES[1]}"
"$PY" scripts/check-export.py bioimageio "$WORK/bioimageio/nuclei.zip"

# 6. The package run end to end by bioimage.io's own test runner (bioimageio.core test_model:
#    preprocessing, onnxruntime, comparison with the test outputs, other batch sizes and sizes).
#    bioimageio.core 0.11.0 pins bioimageio.spec 0.5.12.0, which needs pydantic < 2.12, so it has
#    an environment of its own ($FORMATS_VENV-core).
CORE=$VENV-core
if ! "$CORE/bin/python" -c "import bioimageio.core, onnxruntime" 2>/dev/null; then
    echo "installing bioimageio.core into $CORE ..."
    python3 -m venv "$CORE"
    "$CORE/bin/pip" install -q bioimageio.core==0.11.0 onnxruntime==1.32.0 "pydantic==2.11.10"
fi
"$CORE/bin/python" - "$WORK/bioimageio/nuclei.zip" <<'PYEOF'
import sys
from bioimageio.core import test_model
summary = test_model(sys.argv[1])
checks = [d for d in summary.details if d.name.startswith(("Reproduce", "Run onnx"))]
print(f"bioimageio.core test_model: {summary.status}; {len(checks)} inference checks: "
      + ", ".join(sorted({d.status for d in checks})))
if summary.status != "passed" or not checks:
    print(summary.format(), file=sys.stderr)
    sys.exit(1)
PYEOF

echo "formats: all checks passed"
