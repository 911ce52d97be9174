import Foundation

/// A real image prepared as the exported model's input, with what `nucleiseg`'s network gives
/// for it: the test tensors of a bioimage.io package, and what `scripts/test-formats.sh`
/// compares onnxruntime against.
public struct ExportSample {
    public var width: Int
    public var height: Int
    public var classes: Int
    /// `[1, 3, height, width]`: the image's own sample values (gray repeated to 3 channels).
    public var raw: [Float]
    /// `[1, 3, height, width]`: normalised as `nucleiseg` does it, in [-1, 1] (the ONNX input).
    public var input: [Float]
    /// `[1, classes, height, width]`: our float32 network's logits and their softmax.
    public var logits: [Float]
    public var probabilities: [Float]
    /// The sample's bit depth (8 or 16), which decides the bioimage.io preprocessing.
    public var bitDepth: Int
}

public enum ExportError: Error, Equatable, LocalizedError, CustomStringConvertible {
    case sampleTooSmall(path: String, width: Int, height: Int)
    case outputExists(path: String)

    public var description: String {
        switch self {
        case let .sampleTooSmall(path, width, height):
            return "\(path): \(width)x\(height) is too small for a sample; expected an image of at least 32x32 pixels"
        case let .outputExists(path):
            return "\(path): already exists; remove it or choose another output"
        }
    }
    public var errorDescription: String? { description }
}

/// `nucleiseg export`: the network as ONNX, or as a bioimage.io model package.
public enum ModelExport {
    /// The top-left `maximumSide` x `maximumSide` (at most; multiples of 32) of `image`,
    /// normalised by `normalization` on its own, and our float32 network's outputs on it.
    public static func sample(_ image: PixelImage, path: String, model: UNet, normalization: NormalizationSpec,
                              maximumSide: Int = 256) throws -> ExportSample {
        let height = min(maximumSide, image.height / 32 * 32), width = min(maximumSide, image.width / 32 * 32)
        guard height >= 32, width >= 32 else { throw ExportError.sampleTooSmall(path: path, width: image.width, height: image.height) }
        // Crop first, then normalise the crop: per-image percentiles are then the crop's own, as
        // a bioimage.io runner computes them on the test input.
        var cropSamples = [UInt16](repeating: 0, count: height * width * image.channels)
        for y in 0..<height {
            for x in 0..<(width * image.channels) { cropSamples[y * width * image.channels + x] = image.samples[y * image.width * image.channels + x] }
        }
        let crop = PixelImage(width: width, height: height, channels: image.channels, bitDepth: image.bitDepth, samples: cropSamples)
        let normalized = NetworkInput.threeChannels(NetworkInput.normalizedPlanes(crop, normalization: normalization))
        var nhwc = [Float](repeating: 0, count: height * width * 3)
        var raw = [Float](repeating: 0, count: 3 * height * width), input = raw
        let colour = crop.colorChannels == 3
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<3 {
                    let value = normalized.samples[(y * width + x) * 3 + c]
                    nhwc[(y * width + x) * 3 + c] = value
                    input[(c * height + y) * width + x] = value
                    raw[(c * height + y) * width + x] = Float(crop.samples[(y * width + x) * crop.channels + (colour ? c : 0)])
                }
            }
        }
        let network = InferenceUNet(model, precision: .float32)
        let output = network(Tensor(shape: [1, height, width, 3], scalars: nhwc)).scalars
        let classes = model.classes
        var logits = [Float](repeating: 0, count: classes * height * width), probabilities = logits
        for pixel in 0..<(height * width) {
            var largest = -Float.infinity
            for c in 0..<classes { largest = max(largest, output[pixel * classes + c]) }
            var sum: Float = 0
            for c in 0..<classes { sum += Foundation.exp(output[pixel * classes + c] - largest) }
            for c in 0..<classes {
                logits[c * height * width + pixel] = output[pixel * classes + c]
                probabilities[c * height * width + pixel] = Foundation.exp(output[pixel * classes + c] - largest) / sum
            }
        }
        return ExportSample(width: width, height: height, classes: classes, raw: raw, input: input, logits: logits,
                            probabilities: probabilities, bitDepth: image.bitDepth)
    }

    /// `model` with its output layer replaced by a randomly initialised one of `classes` classes
    /// (every other weight and BatchNorm statistic copied): a realistic network of either head
    /// for testing the exporter without training one.
    public static func withRandomOutputLayer(_ model: UNet, classes: Int, seed: UInt64 = 7) -> UNet {
        let copy = UNet(classes: classes, seed: seed)
        let source = Dictionary(uniqueKeysWithValues: model.namedVariables().map { ($0.0, $0.1) })
        for (key, variable) in copy.namedVariables() {
            if let original = source[key], original.value.shape == variable.value.shape { variable.value = original.value }
        }
        return copy
    }

    /// The checkpoint metadata worth keeping in the ONNX file.
    static func provenance(_ metadata: [String: String]) -> [(String, String)] {
        metadata.keys.sorted().filter { !$0.hasSuffix("_json") || $0 == "normalization_json" }
            .map { ("nucleiseg_" + $0, metadata[$0]!) }
    }

    /// Writes `url` (the ONNX model) and, with a sample, `STEM_sample_input.npy` (the normalised
    /// NCHW input) and `STEM_sample_logits.npy` next to it; all or nothing.
    /// - Returns: the files written.
    /// - Parameter metadata: the checkpoint's metadata (kept as `nucleiseg_*` entries).
    public static func writeONNX(model: UNet, metadata: [String: String], normalization: NormalizationSpec, to url: URL,
                                 sample: ExportSample?) throws -> [URL] {
        let bytes = ONNXExport.model(model, normalization: normalization, metadata: provenance(metadata))
        var files = OutputSet()
        do {
            try files.add(Data(bytes), to: url)
            if let sample {
                let stem = url.deletingPathExtension().lastPathComponent
                let folder = url.deletingLastPathComponent()
                try files.add(Data(NumpyArray.float32(sample.input, shape: [1, 3, sample.height, sample.width])),
                              to: folder.appendingPathComponent(stem + "_sample_input.npy"))
                try files.add(Data(NumpyArray.float32(sample.logits, shape: [1, sample.classes, sample.height, sample.width])),
                              to: folder.appendingPathComponent(stem + "_sample_logits.npy"))
            }
        } catch {
            files.discard()
            throw error
        }
        return try files.commit()
    }
}
