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
                path: path, reason: "not a NucleiSeg model checkpoint (\(found); expected '\(architecture)', as written by nucleiseg train; the MobileNetV2 backbone weights are loaded by train itself)")
        }
        try validate(file, path: path)
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

extension ModelCheckpoint {
    /// The typed metadata entries: key, what is expected, and the check. Absent keys are fine
    /// (older checkpoints and hand-made ones omit some); present ones must parse.
    static let metadataRules: [(key: String, expected: String, isValid: @Sendable (String) -> Bool)] = [
        ("format_version", "\"\(formatVersion)\"", { $0 == formatVersion }),
        ("input_size", "a positive multiple of 32", { Int($0).map { $0 >= 32 && $0 % 32 == 0 } ?? false }),
        ("sampling", SamplingMode.allCases.map(\.rawValue).joined(separator: " or "), { SamplingMode(rawValue: $0) != nil }),
        ("classes", SegmentationHead.allCases.map { "\"" + $0.classNames.joined(separator: ",") + "\"" }.joined(separator: " or "),
         { SegmentationHead(classNames: $0.split(separator: ",").map(String.init)) != nil }),
        ("head", SegmentationHead.allCases.map(\.rawValue).joined(separator: " or "), { SegmentationHead(rawValue: $0) != nil }),
        ("class_weights", "comma-separated positive numbers", {
            let parts = $0.split(separator: ",").map { Float($0) }
            return parts.count >= 2 && parts.allSatisfy { $0.map { $0 > 0 && $0.isFinite } ?? false }
        }),
        ("nucleus_diameter_px", "a positive number of pixels", { Double($0).map { $0 > 0 && $0.isFinite } ?? false }),
        ("encoder_trainable", "true or false", { $0 == "true" || $0 == "false" }),
        ("training_precision", ComputePrecision.allCases.map(\.rawValue).joined(separator: " or "), { ComputePrecision(rawValue: $0) != nil }),
        ("optimizer_step", "a whole number >= 0", isCount),
        ("optimizer_learning_rate", "a positive number", { Float($0).map { $0 > 0 && $0.isFinite } ?? false }),
        ("epochs_completed", "a whole number >= 0", isCount),
        ("best_epoch", "a whole number >= 0", isCount),
        ("epochs_without_improvement", "a whole number >= 0", isCount),
        ("training_images", "a whole number >= 0", isCount),
        ("validation_images", "a whole number >= 0", isCount),
        ("best_val_loss", "a number >= 0 (or inf before the first epoch)", { Double($0).map { $0 >= 0 && !$0.isNaN } ?? false }),
        ("best_val_accuracy", "a number in 0...1", { Double($0).map { (0...1).contains($0) } ?? false }),
        ("best_val_iou", "a number in 0...1", { Double($0).map { (0...1).contains($0) } ?? false }),
        ("normalization_json", "the JSON of a normalisation spec", { (try? JSONDecoder().decode(NormalizationSpec.self, from: Data($0.utf8))) != nil }),
        ("postprocessing_json", "the JSON of instance-extraction options with thresholds in 0...1 and a positive marker dynamic",
         { ModelCheckpoint.decodePostProcessing($0) != nil }),
    ]

    @Sendable private static func isCount(_ text: String) -> Bool { Int(text).map { $0 >= 0 } ?? false }

    /// Checks every typed metadata entry and that every tensor is finite, before anything is loaded.
    /// - Throws: `CheckpointError.invalidMetadata` or `.nonFiniteValue`, naming the file and the key.
    static func validate(_ file: SafeTensorsFile, path: String) throws {
        for rule in metadataRules {
            if let value = file.metadata[rule.key], !rule.isValid(value) {
                throw CheckpointError.invalidMetadata(path: path, key: rule.key, value: String(value.prefix(80)), expected: rule.expected)
            }
        }
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
    public var nucleusDiameter: Double? { metadata["nucleus_diameter_px"].flatMap(Double.init) }

    /// The instance post-processing chosen for this model on its validation images by
    /// `nucleiseg tune` (nil: not recorded; `InstanceExtractionOptions.nuclei` applies).
    public var postProcessing: InstanceExtractionOptions? { metadata["postprocessing_json"].flatMap(Self.decodePostProcessing) }

    static func decodePostProcessing(_ json: String) -> InstanceExtractionOptions? {
        guard let options = try? JSONDecoder().decode(InstanceExtractionOptions.self, from: Data(json.utf8)) else { return nil }
        let probabilities = [options.threshold, options.interiorThreshold]
        guard probabilities.allSatisfy({ $0 > 0 && $0 < 1 }), options.minimumMarkerDynamic > 0, options.minimumMarkerDynamic.isFinite,
              (0..<1).contains(options.relativeMarkerDynamic),
              options.minimumArea >= 0, options.minimumMarkerArea >= 0, options.distanceSmoothing >= 0, options.distanceSmoothing.isFinite
        else { return nil }
        return options
    }

    static func encodePostProcessing(_ options: InstanceExtractionOptions) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(options)) ?? Data(), as: UTF8.self)
    }

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
        try validate(file, path: source.path)
        file.metadata["postprocessing_json"] = encodePostProcessing(options)
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
