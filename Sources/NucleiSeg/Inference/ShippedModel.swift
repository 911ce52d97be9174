import Foundation

/// The nuclei model that ships with the package (trained by `nucleiseg train --sampling crops` on
/// the bundled nuclei-samples train/val split); `evaluate` and `predict` use it by default.
public enum ShippedModel {
    public static let resourceName = "nuclei-unet-mobilenetv2"

    public static var url: URL? { Bundle.module.url(forResource: resourceName, withExtension: "safetensors") }

    /// Loads `path`, or the shipped model when `path` is nil, with the settings it was trained with.
    public static func segmenter(path: String?, modeOverride: SamplingMode? = nil, tileSize: Int = 256,
                                 precision: ComputePrecision = InferenceUNet.defaultPrecision,
                                 encoderPrecision: ComputePrecision = .float32) throws -> Segmenter {
        guard let url = path.map({ URL(fileURLWithPath: $0) }) ?? Self.url else {
            throw CheckpointError.fileNotFound(path: "\(resourceName).safetensors (package resource; pass --model FILE)")
        }
        let (model, checkpoint) = try ModelCheckpoint.load(from: url)
        let normalization = try checkpoint.normalization(path: url.path)
        let mode = modeOverride ?? SamplingMode(rawValue: checkpoint.metadata["sampling"] ?? "") ?? .resize
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
        guard let json = metadata["normalization_json"] else {
            let size = Int(metadata["input_size"] ?? "") ?? 128
            return NormalizationSpec(inputWidth: size, inputHeight: size)
        }
        do {
            return try JSONDecoder().decode(NormalizationSpec.self, from: Data(json.utf8))
        } catch {
            throw CheckpointError.incompatible(path: path, reason: "metadata 'normalization_json' is not a normalisation spec (\(String(describing: error).prefix(120)))")
        }
    }
}
