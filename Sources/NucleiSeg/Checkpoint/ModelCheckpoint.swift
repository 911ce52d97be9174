import Foundation

/// Whole-model checkpoints in safetensors: every parameter and BatchNorm moving statistic under
/// its model key, optionally the Adam moments (`optimizer/m/<key>`, `optimizer/v/<key>`), and
/// metadata describing the architecture, the input, the normalisation, the classes and the
/// training facts, so that `evaluate` and `predict` can rebuild exactly what was trained.
public struct ModelCheckpoint: Sendable {
    public static let architecture = "unet-mobilenetv2-alpha1.0"
    public static let formatVersion = "1"
    static let optimizerPrefix = "optimizer/"

    /// Facts stored beside the tensors, typed (checked when loaded).
    public var metadata: CheckpointMetadata
    /// The metadata entries exactly as the file holds them (exports keep them as provenance).
    public var storedEntries: [String: String]

    public init(metadata: CheckpointMetadata = CheckpointMetadata(), storedEntries: [String: String]? = nil) {
        self.metadata = metadata
        self.storedEntries = storedEntries ?? metadata.entries
    }

    /// Saves `model` (and `optimizer`, when given) atomically to `url`, with typed metadata.
    public static func save(model: UNet, optimizer: Adam? = nil, metadata: CheckpointMetadata, to url: URL) throws {
        try save(model: model, optimizer: optimizer, metadata: metadata.entries, to: url)
    }

    /// Saves `model` (and `optimizer`, when given) atomically to `url`, with metadata entries as
    /// given (tests write malformed ones on purpose).
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
                path: path, reason: "not a NucleiSeg model checkpoint (\(found); expected '\(architecture)', as written by nucleiseg train; the MobileNetV2 backbone weights are loaded by train itself)")
        }
        let metadata = try CheckpointMetadata(entries: file.metadata, path: path)
        try validateTensors(file, path: path)
        let model = UNet(classes: metadata.classes?.count ?? SegmentationHead.seed.classCount)
        let modelTensors = file.tensors.filter { !$0.key.hasPrefix(optimizerPrefix) }
        try model.load(modelTensors, from: path)
        model.encoder.setTrainable(metadata.encoderTrainable == true)
        if let optimizer, let step = metadata.optimizerStep {
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
        return (model, ModelCheckpoint(metadata: metadata, storedEntries: file.metadata))
    }
}

extension ModelCheckpoint {
    /// Checks that every tensor is finite, before anything is loaded (the metadata are checked
    /// by `CheckpointMetadata`).
    /// - Throws: `CheckpointError.nonFiniteValue`, naming the file and the key.
    static func validateTensors(_ file: SafeTensorsFile, path: String) throws {
        for key in file.tensors.keys.sorted() {
            let index = file.tensors[key]!.withUnsafeBufferPointer { values in values.firstIndex { !$0.isFinite } }
            if let index {
                let value = file.tensors[key]!.scalars[index]
                throw CheckpointError.nonFiniteValue(path: path, key: key, index: index, value: value.isNaN ? "NaN" : "\(value)")
            }
        }
    }
}

extension ModelCheckpoint {
    /// The median nucleus diameter of the training images, in pixels (nil: not recorded).
    public var nucleusDiameter: Double? { metadata.nucleusDiameter }

    /// The instance post-processing chosen for this model on its validation images by
    /// `nucleiseg tune` (nil: not recorded; `InstanceExtractionOptions.nuclei` applies).
    public var postProcessing: InstanceExtractionOptions? { metadata.postProcessing }

    /// Copies the checkpoint at `source` to `destination` (atomically; the same path replaces it)
    /// with `options` recorded as its post-processing; every tensor and other entry unchanged.
    ///
    /// - Throws: `CheckpointError` when `source` is not a valid NucleiSeg checkpoint, and the
    ///   file error of a failed write (the destination is then untouched).
    public static func recordPostProcessing(_ options: InstanceExtractionOptions, source: URL, destination: URL) throws {
        var file = try SafeTensorsFile(contentsOf: source)
        guard file.metadata["architecture"] == architecture else {
            throw CheckpointError.incompatible(path: source.path, reason: "not a NucleiSeg model checkpoint (expected architecture '\(architecture)')")
        }
        _ = try CheckpointMetadata(entries: file.metadata, path: source.path)
        try validateTensors(file, path: source.path)
        file.metadata[CheckpointMetadata.postProcessingKey] = CheckpointMetadata.sortedJSON(options)
        try file.write(to: destination)
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
