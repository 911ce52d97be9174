import Foundation

/// The nuclei model that ships with the package (trained by `nucleiseg train --sampling crops` on
/// the bundled nuclei-samples train/val split); `evaluate` and `predict` use it by default.
public enum ShippedModel {
    public static let resourceName = "nuclei-unet-mobilenetv2"

    public static var url: URL? { Bundle.module.url(forResource: resourceName, withExtension: "safetensors") }

    /// What a missing shipped model is called in errors (the CLI adds how to name another).
    public static let missingResourcePath = "\(resourceName).safetensors (package resource)"

    /// Loads `path`, or the shipped model when `path` is nil, with the settings it was trained with.
    public static func segmenter(path: String?, modeOverride: SamplingMode? = nil, tileSize: Int = 256,
                                 precision: ComputePrecision = InferenceUNet.defaultPrecision,
                                 encoderPrecision: ComputePrecision = .float32) throws -> Segmenter {
        guard let url = path.map({ URL(fileURLWithPath: $0) }) ?? Self.url else {
            throw CheckpointError.fileNotFound(path: missingResourcePath)
        }
        let (model, checkpoint) = try ModelCheckpoint.load(from: url)
        let normalization = try checkpoint.normalization(path: url.path)
        let mode = modeOverride ?? checkpoint.metadata.sampling ?? .resize
        let segmenter = Segmenter(model: model, normalization: normalization, mode: mode, tileSize: tileSize, precision: precision,
                                  encoderPrecision: encoderPrecision)
        segmenter.modelDiameter = checkpoint.nucleusDiameter
        if let options = checkpoint.postProcessing { segmenter.postProcessing = options }
        return segmenter
    }
}

extension ModelCheckpoint {
    /// The preprocessing the model was trained with (the standard one for checkpoints that do
    /// not record it).
    public func normalization(path: String) throws -> NormalizationSpec {
        if let spec = metadata.normalization { return spec }
        let size = metadata.inputSize ?? 128
        return NormalizationSpec(inputWidth: size, inputHeight: size)
    }
}
