import Foundation

/// Whole-model checkpoints in safetensors: every parameter and BatchNorm moving statistic under
/// its model key, optionally the Adam moments (`optimizer/m/<key>`, `optimizer/v/<key>`), and
/// metadata describing the architecture, the input, the normalisation, the classes and the
/// training facts, so that `evaluate` and `predict` can rebuild exactly what was trained.
public struct ModelCheckpoint: Sendable {
    public static let architecture = "unet-mobilenetv2-alpha1.0"
    public static let formatVersion = "1"
    static let optimizerPrefix = "optimizer/"

    /// Facts stored beside the tensors (all strings, as safetensors requires).
    public var metadata: [String: String]

    public init(metadata: [String: String] = [:]) { self.metadata = metadata }

    /// Saves `model` (and `optimizer`, when given) atomically to `url`.
    public static func save(model: UNet, optimizer: Adam? = nil, metadata: [String: String], to url: URL) throws {
        var tensors = model.stateDictionary()
        var facts = metadata
        facts["architecture"] = architecture
        facts["format_version"] = formatVersion
        facts["classes"] = facts["classes"] ?? "background,nucleus"
        facts["encoder_trainable"] = String(model.isEncoderTrainable)
        if let optimizer {
            facts["optimizer"] = "adam"
            facts["optimizer_step"] = String(optimizer.step)
            facts["optimizer_learning_rate"] = String(optimizer.learningRate)
            for (key, parameter) in model.namedParameters() {
                guard let (first, second) = optimizer.moments(of: parameter) else { continue }
                tensors[optimizerPrefix + "m/" + key] = first
                tensors[optimizerPrefix + "v/" + key] = second
            }
        }
        try SafeTensorsFile(tensors: tensors, metadata: facts).write(to: url)
    }

    /// Loads a checkpoint written by `save`.
    ///
    /// - Parameter optimizer: when given, its moments and step are restored (for `--resume`).
    /// - Throws: `CheckpointError` naming the file: not a NucleiSeg checkpoint, a missing or
    ///   unexpected tensor, or a shape that differs from the model's (both shapes named).
    public static func load(from url: URL, optimizer: Adam? = nil) throws -> (model: UNet, checkpoint: ModelCheckpoint) {
        let file = try SafeTensorsFile(contentsOf: url)
        let path = url.path
        guard file.metadata["architecture"] == architecture else {
            let found = file.metadata["architecture"].map { "architecture '\($0)'" } ?? "no architecture metadata"
            throw CheckpointError.incompatible(
                path: path, reason: "not a NucleiSeg model checkpoint (\(found); expected '\(architecture)'; a backbone file is loaded with --backbone, not --model)")
        }
        let classes = (file.metadata["classes"] ?? "background,nucleus").split(separator: ",").count
        let model = UNet(classes: classes)
        let modelTensors = file.tensors.filter { !$0.key.hasPrefix(optimizerPrefix) }
        try model.load(modelTensors, from: path)
        model.encoder.setTrainable(file.metadata["encoder_trainable"] == "true")
        if let optimizer, let step = file.metadata["optimizer_step"].flatMap(Int.init) {
            var moments: [(Variable, Tensor, Tensor)] = []
            for (key, parameter) in model.namedParameters() {
                guard let first = file.tensors[optimizerPrefix + "m/" + key], let second = file.tensors[optimizerPrefix + "v/" + key] else { continue }
                guard first.shape == parameter.shape, second.shape == parameter.shape else {
                    throw CheckpointError.shapeMismatch(path: path, key: optimizerPrefix + "m/" + key, expected: parameter.shape, found: first.shape)
                }
                moments.append((parameter, first, second))
            }
            optimizer.restore(step: step, moments: moments)
        }
        return (model, ModelCheckpoint(metadata: file.metadata))
    }
}

/// The ImageNet MobileNetV2 backbone shipped with the package (provenance: `BACKBONE-README.md`).
public enum PretrainedBackbone {
    /// The bundled `mobilenetv2_1.0_imagenet_backbone.safetensors`.
    public static var url: URL? {
        Bundle.module.url(forResource: "mobilenetv2_1.0_imagenet_backbone", withExtension: "safetensors")
    }

    /// Loads ImageNet weights into `model.encoder` by Keras name.
    /// - Throws: `CheckpointError` when the file is missing or any tensor is absent or misshapen.
    public static func load(into encoder: MobileNetV2Encoder, from url: URL? = nil) throws {
        guard let url = url ?? Self.url else {
            throw CheckpointError.fileNotFound(path: "mobilenetv2_1.0_imagenet_backbone.safetensors (package resource)")
        }
        let file = try SafeTensorsFile(contentsOf: url)
        // Keras 3 saves the depthwise weight as `<layer>/kernel`.
        var tensors: [String: Tensor] = [:]
        for (key, tensor) in file.tensors {
            if key.hasSuffix("_depthwise/kernel") {
                tensors[String(key.dropLast("kernel".count)) + "depthwise_kernel"] = tensor
            } else {
                tensors[key] = tensor
            }
        }
        try encoder.load(tensors, from: url.path)
    }
}
