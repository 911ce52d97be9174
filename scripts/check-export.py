#!/usr/bin/env python3
"""Checks `nucleiseg export` with onnx, onnxruntime and bioimageio.spec.

    check-export.py onnx MODEL.onnx [--classes N]
        MODEL_sample_input.npy / MODEL_sample_logits.npy beside it: our normalised input and our
        float32 logits. Checks: onnx.checker (full), only the standard operators we promise,
        onnxruntime's logits within 1e-4 of ours (max abs), its probabilities equal to the
        softmax of ours within 1e-5, and the class count.
    check-export.py bioimageio PACKAGE.zip
        Validates with bioimageio.spec (status must be valid-format or passed), then applies the
        package's own preprocessing (read from the validated description) to test_input.npy in
        NumPy, runs model.onnx with onnxruntime, and compares with the package's test outputs.
Prints the figures; exits non-zero on a failed check.
"""
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime

ALLOWED = {"Conv", "ConvTranspose", "Clip", "Relu", "Add", "Concat", "Softmax"}


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def run(path, array):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    if names != ["logits", "probabilities"]:
        fail(f"outputs {names}")
    return session.run(None, {"input": array.astype(np.float32)})


def check_onnx(path, classes):
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    ops = {node.op_type for node in model.graph.node}
    if not ops <= ALLOWED:
        fail(f"operators outside the promised set: {sorted(ops - ALLOWED)}")
    metadata = {p.key: p.value for p in model.metadata_props}
    if "preprocessing" not in metadata or int(metadata["classes"]) != classes:
        fail(f"metadata {sorted(metadata)} (classes {metadata.get('classes')}, expected {classes})")
    stem = str(path)[: -len(".onnx")]
    x = np.load(stem + "_sample_input.npy")
    ours = np.load(stem + "_sample_logits.npy")
    logits, probabilities = run(path, x)
    if logits.shape != ours.shape or logits.shape[1] != classes:
        fail(f"logits shape {logits.shape}, ours {ours.shape}")
    difference = float(np.abs(logits - ours).max())
    probability_difference = float(np.abs(probabilities - softmax(ours.astype(np.float64))).max())
    print(f"{path.name}: {len(model.graph.node)} nodes ({', '.join(sorted(ops))}), input {list(x.shape)}, {classes} classes; "
          f"onnxruntime - nucleiseg logits: max |diff| {difference:.2e} (logits span {ours.min():.2f}..{ours.max():.2f}); "
          f"probabilities max |diff| {probability_difference:.2e}")
    if difference > 1e-4:
        fail(f"logits differ by {difference} > 1e-4")
    if probability_difference > 1e-5:
        fail(f"probabilities differ by {probability_difference} > 1e-5")


def preprocess(raw, steps):
    x = raw.astype(np.float32)
    axis_index = {"batch": 0, "channel": 1, "y": 2, "x": 3}
    for step in steps:
        kwargs = step.kwargs
        if step.id == "scale_linear":
            x = x * np.float32(kwargs.gain) + np.float32(kwargs.offset)
        elif step.id == "ensure_dtype":
            x = x.astype(str(kwargs.dtype))
        elif step.id == "clip":
            x = np.clip(x, kwargs.min, kwargs.max)
        elif step.id == "scale_range":
            axes = tuple(axis_index[str(a)] for a in kwargs.axes) if kwargs.axes else None
            low = np.percentile(x, kwargs.min_percentile, axis=axes, keepdims=True)
            high = np.percentile(x, kwargs.max_percentile, axis=axes, keepdims=True)
            x = ((x - low) / (high - low + kwargs.eps)).astype(np.float32)
        else:
            fail(f"preprocessing step {step.id} not implemented in this check")
    return x


def check_bioimageio(path):
    from bioimageio.spec import load_description
    description = load_description(str(path))
    status = description.validation_summary.status
    if status not in ("valid-format", "passed"):
        print(description.validation_summary.format(), file=sys.stderr)
        fail(f"bioimageio.spec status {status}")
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
        folder = Path(folder)
        raw = np.load(folder / "test_input.npy")
        x = preprocess(raw, description.inputs[0].preprocessing)
        logits, probabilities = run(folder / "model.onnx", x)
        expected_logits = np.load(folder / "test_output_logits.npy")
        expected_probabilities = np.load(folder / "test_output_probabilities.npy")
    difference = float(np.abs(logits - expected_logits).max())
    probability_difference = float(np.abs(probabilities - expected_probabilities).max())
    steps = ", ".join(step.id for step in description.inputs[0].preprocessing)
    print(f"{path.name}: bioimageio.spec {status} (format {description.format_version}); preprocessing {steps} in NumPy, "
          f"then onnxruntime - package test output: logits max |diff| {difference:.2e}, probabilities {probability_difference:.2e}")
    if difference > 1e-4 or probability_difference > 1e-5:
        fail("the package's test outputs are not reproduced")


def main():
    kind, path = sys.argv[1], Path(sys.argv[2])
    if kind == "onnx":
        classes = int(sys.argv[sys.argv.index("--classes") + 1]) if "--classes" in sys.argv else 2
        check_onnx(path, classes)
    elif kind == "bioimageio":
        check_bioimageio(path)
    else:
        fail(f"unknown check {kind}")


if __name__ == "__main__":
    main()
