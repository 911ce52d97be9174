#!/usr/bin/env python3
"""Reads NucleiSeg's predict outputs with the ecosystem's own readers and checks them.

    check-formats.py OUTPUT_DIR STEM [--pixel-size MICRONS]

For STEM in OUTPUT_DIR (from `nucleiseg predict --format all`):
- tifffile: STEM_labels.tif is one uint16 plane equal to STEM_labels.png (read by Pillow),
  carries an ImageJ header (imagej_metadata), and with a pixel size records it as ImageJ does
  (XResolution = 1/pixel size per micron, unit=micron).
- roifile: STEM_rois.zip holds one polygon ROI per label, named by the label; each ROI's bounds
  (left, top, right, bottom) equal the bounding box of the label's largest 4-connected piece,
  and its shoelace area equals that piece's pixel count plus its holes.
- json + shapely: STEM_nuclei.geojson is a FeatureCollection with one valid (Multi)Polygon per
  label whose area is within 2% of the label's pixel count (exact, in fact, and reported),
  and with a pixel size its "Area µm^2" is the pixel count times the pixel size squared.
- csv: STEM_nuclei.csv has the µm columns when a pixel size is given.
Prints one line of figures; exits non-zero on the first failed check.
"""
import argparse
import csv
import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import roifile
import shapely.geometry
import tifffile
from PIL import Image
from scipy import ndimage


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("stem")
    parser.add_argument("--pixel-size", type=float)
    args = parser.parse_args()
    base = args.folder / args.stem

    png = np.array(Image.open(f"{base}_labels.png"))
    labels_present = [int(v) for v in np.unique(png) if v != 0]

    # tifffile
    with tifffile.TiffFile(f"{base}_labels.tif") as tif:
        if len(tif.pages) != 1:
            fail(f"{len(tif.pages)} pages in the label TIFF")
        page = tif.pages[0]
        tiff_labels = page.asarray()
        if tiff_labels.dtype != np.uint16:
            fail(f"label TIFF dtype {tiff_labels.dtype}, expected uint16")
        if not np.array_equal(tiff_labels, png.astype(np.uint16)):
            fail("label TIFF differs from the label PNG")
        meta = tif.imagej_metadata
        if meta is None:
            fail("label TIFF has no ImageJ metadata")
        if args.pixel_size is not None:
            numerator, denominator = page.tags["XResolution"].value
            size = denominator / numerator
            if abs(size - args.pixel_size) > 1e-6 * args.pixel_size or meta.get("unit") != "micron":
                fail(f"label TIFF pixel size {size} {meta.get('unit')}, expected {args.pixel_size} micron")

    # roifile
    rois = roifile.ImagejRoi.fromfile(f"{base}_rois.zip")
    if not isinstance(rois, list):
        rois = [rois]
    with zipfile.ZipFile(f"{base}_rois.zip") as archive:
        if archive.testzip() is not None:
            fail("a ROI zip entry has a bad CRC")
    if len(rois) != len(labels_present):
        fail(f"{len(rois)} ROIs for {len(labels_present)} labels")
    multi_piece = 0
    for roi in rois:
        label = int(roi.name)
        if roi.roitype != roifile.ROI_TYPE.POLYGON:
            fail(f"ROI {roi.name} has type {roi.roitype}")
        pieces, count = ndimage.label(png == label)  # 4-connectivity (the default cross)
        if count == 0:
            fail(f"ROI {roi.name} names a label that is not in the image")
        sizes = ndimage.sum(np.ones_like(pieces), pieces, index=range(1, count + 1))
        largest = int(np.argmax(sizes)) + 1
        multi_piece += count > 1
        ys, xs = np.nonzero(pieces == largest)
        expected = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
        bounds = (roi.left, roi.top, roi.right, roi.bottom)
        if bounds != expected:
            fail(f"ROI {roi.name} bounds {bounds}, the label's largest piece has {expected}")
        points = roi.coordinates()
        x, y = points[:, 0].astype(float), points[:, 1].astype(float)
        area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))
        filled = ndimage.binary_fill_holes(pieces == largest).sum()
        if area != filled:
            fail(f"ROI {roi.name} encloses {area} px, the label's largest piece with its holes filled has {filled}")

    # GeoJSON with json + shapely
    with open(f"{base}_nuclei.geojson", encoding="utf-8") as handle:
        collection = json.load(handle)
    if collection.get("type") != "FeatureCollection":
        fail("GeoJSON is not a FeatureCollection")
    features = collection["features"]
    if sorted(f["properties"]["label"] for f in features) != labels_present:
        fail("GeoJSON labels differ from the image's")
    worst = 0.0
    for feature in features:
        geometry = shapely.geometry.shape(feature["geometry"])
        if not geometry.is_valid:
            from shapely.validation import explain_validity
            fail(f"feature {feature['id']}: invalid geometry ({explain_validity(geometry)})")
        label = feature["properties"]["label"]
        pixels = int((png == label).sum())
        error = abs(geometry.area - pixels) / pixels
        worst = max(worst, error)
        if error > 0.02:
            fail(f"feature {feature['id']}: area {geometry.area}, {pixels} pixels")
        if feature["properties"]["objectType"] != "detection":
            fail("objectType is not detection")
        measurements = feature["properties"]["measurements"]
        if measurements["Area px^2"] != pixels:
            fail(f"feature {feature['id']}: Area px^2 {measurements['Area px^2']}, {pixels} pixels")
        if args.pixel_size is not None:
            expected = pixels * args.pixel_size ** 2
            if abs(measurements["Area µm^2"] - expected) > 1e-5 * expected:
                fail(f"feature {feature['id']}: Area µm^2 {measurements['Area µm^2']}, expected {expected}")

    # CSV units
    with open(f"{base}_nuclei.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if len(rows) != len(labels_present):
        fail(f"{len(rows)} CSV rows for {len(labels_present)} labels")
    if args.pixel_size is not None:
        for row in rows:
            expected = int(row["area"]) * args.pixel_size ** 2
            if abs(float(row["area_um2"]) - expected) > 1e-5 * expected:
                fail(f"CSV label {row['label']}: area_um2 {row['area_um2']}, expected {expected}")
    elif "area_um2" in rows[0] if rows else False:
        fail("CSV has µm columns without a pixel size")

    print(f"{args.stem}: {len(labels_present)} labels; TIFF equal to PNG; {len(rois)} ROIs with bounds and area equal to the labels' "
          f"(for {multi_piece} labels of several 4-connected pieces: the largest piece's); GeoJSON valid, worst area error {worst:.2%}"
          + (f"; pixel size {args.pixel_size} µm recorded" if args.pixel_size else ""))


if __name__ == "__main__":
    main()
