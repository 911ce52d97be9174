import Foundation

/// The facts a checkpoint records beside its tensors, typed: architecture, input, preprocessing,
/// classes, training state. `evaluate` and `predict` rebuild the model from them, `--resume`
/// continues the loop from them, `report` prints them.
///
/// safetensors metadata are strings; `init(entries:path:)` is their one reader and `entries`
/// their one writer (key names below, e.g. `input_size`). Reading checks every entry it knows:
/// a value that does not parse is `CheckpointError.invalidMetadata` naming the file, the key,
/// the value and what was expected, never a silent default. Entries it does not know are kept
/// as written in `otherEntries`. Absent entries are nil (older and hand-made checkpoints omit
/// some); a reader that needs one says so (`required(_:_:path:)`).
public struct CheckpointMetadata: Codable, Equatable, Sendable {
    /// `architecture`: `ModelCheckpoint.architecture` for a NucleiSeg model.
    public var architecture: String?
    /// `format_version`: `ModelCheckpoint.formatVersion`.
    public var formatVersion: String?
    /// `input_size`: the network input side in pixels (a positive multiple of 32).
    public var inputSize: Int?
    /// `sampling`: how training saw the images (resize or crops).
    public var sampling: SamplingMode?
    /// `classes`: the class names, comma-separated in the file.
    public var classes: [String]?
    /// `head`: seed (two classes) or contour (three).
    public var head: SegmentationHead?
    /// `class_weights`: the loss weight of each class.
    public var classWeights: [Float]?
    /// `nucleus_diameter_px`: median equivalent diameter of the training nuclei, in pixels
    /// (written with two decimals).
    public var nucleusDiameter: Double?
    /// `encoder_trainable`: whether the encoder was fine-tuned.
    public var encoderTrainable: Bool?
    /// `encoder_weights`: imagenet or random.
    public var encoderWeights: String?
    /// `training_precision`: the decoder arithmetic of training.
    public var trainingPrecision: ComputePrecision?
    /// `optimizer`: adam, when the Adam state is stored (`checkpoints/last.safetensors`).
    public var optimizer: String?
    /// `optimizer_step`: Adam's step count.
    public var optimizerStep: Int?
    /// `optimizer_learning_rate`.
    public var optimizerLearningRate: Float?
    /// `epochs_completed`.
    public var epochsCompleted: Int?
    /// `best_epoch`: the epoch of the lowest validation loss (0 before the first).
    public var bestEpoch: Int?
    /// `epochs_without_improvement`: the early-stopping counter.
    public var epochsWithoutImprovement: Int?
    /// `training_images`, `validation_images`.
    public var trainingImages: Int?
    public var validationImages: Int?
    /// `best_val_loss` (infinite before the first epoch), `best_val_accuracy`, `best_val_iou`.
    public var bestValidationLoss: Double?
    public var bestValidationAccuracy: Double?
    public var bestValidationIoU: Double?
    /// `normalization_json`: the preprocessing of training.
    public var normalization: NormalizationSpec?
    /// `normalization`: the same in words, for the report.
    public var normalizationDescription: String?
    /// `training_options`: the options of `train` as JSON, for the report.
    public var trainingOptionsJSON: String?
    /// `postprocessing_json`: the instance post-processing `nucleiseg tune` chose on the model's
    /// validation images (thresholds in 0...1, a positive marker dynamic).
    public var postProcessing: InstanceExtractionOptions?
    /// Entries this type does not know, as written.
    public var otherEntries: [String: String] = [:]

    public init() {}

    /// A key of the file, what a valid value is, and how it is read into and written from `self`.
    private struct Field: Sendable {
        let key: String
        let expected: String
        let read: @Sendable (inout CheckpointMetadata, String) -> Bool
        let write: @Sendable (CheckpointMetadata) -> String?
    }

    private static func field<Value: Sendable>(
        _ key: String, _ expected: String, _ path: WritableKeyPath<CheckpointMetadata, Value?> & Sendable,
        parse: @escaping @Sendable (String) -> Value?, format: @escaping @Sendable (Value) -> String
    ) -> Field {
        Field(key: key, expected: expected,
              read: { metadata, text in
                  guard let value = parse(text) else { return false }
                  metadata[keyPath: path] = value
                  return true
              },
              write: { metadata in metadata[keyPath: path].map(format) })
    }

    private static func count(_ text: String) -> Int? { Int(text).flatMap { $0 >= 0 ? $0 : nil } }
    private static func fraction(_ text: String) -> Double? { Double(text).flatMap { (0...1).contains($0) ? $0 : nil } }
    private static func text(_ text: String) -> String? { text }

    /// Every typed entry, in the order the report shows them.
    private static let fields: [Field] = [
        field("architecture", "a model architecture name", \.architecture, parse: text, format: { $0 }),
        field("format_version", "\"\(ModelCheckpoint.formatVersion)\"", \.formatVersion,
              parse: { $0 == ModelCheckpoint.formatVersion ? $0 : nil }, format: { $0 }),
        field("input_size", "a positive multiple of 32", \.inputSize,
              parse: { Int($0).flatMap { $0 >= 32 && $0 % 32 == 0 ? $0 : nil } }, format: { String($0) }),
        field("sampling", SamplingMode.allCases.map(\.rawValue).joined(separator: " or "), \.sampling,
              parse: { SamplingMode(rawValue: $0) }, format: \.rawValue),
        field("classes", SegmentationHead.allCases.map { "\"" + $0.classNames.joined(separator: ",") + "\"" }.joined(separator: " or "),
              \.classes, parse: { text in
                  let names = text.split(separator: ",").map(String.init)
                  return SegmentationHead(classNames: names) != nil ? names : nil
              }, format: { $0.joined(separator: ",") }),
        field("head", SegmentationHead.allCases.map(\.rawValue).joined(separator: " or "), \.head,
              parse: { SegmentationHead(rawValue: $0) }, format: \.rawValue),
        field("class_weights", "comma-separated positive numbers", \.classWeights, parse: { text in
            let parts = text.split(separator: ",").map { Float($0) }
            guard parts.count >= 2, parts.allSatisfy({ $0.map { $0 > 0 && $0.isFinite } ?? false }) else { return nil }
            return parts.map { $0! }
        }, format: { $0.map { String($0) }.joined(separator: ",") }),
        field("nucleus_diameter_px", "a positive number of pixels", \.nucleusDiameter,
              parse: { Double($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }, format: { String(format: "%.2f", $0) }),
        field("encoder_trainable", "true or false", \.encoderTrainable, parse: { Bool($0) }, format: { String($0) }),
        field("encoder_weights", "imagenet or random", \.encoderWeights, parse: text, format: { $0 }),
        field("training_precision", ComputePrecision.allCases.map(\.rawValue).joined(separator: " or "), \.trainingPrecision,
              parse: { ComputePrecision(rawValue: $0) }, format: \.rawValue),
        field("optimizer", "adam", \.optimizer, parse: text, format: { $0 }),
        field("optimizer_step", "a whole number >= 0", \.optimizerStep, parse: count, format: { String($0) }),
        field("optimizer_learning_rate", "a positive number", \.optimizerLearningRate,
              parse: { Float($0).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }, format: { String($0) }),
        field("epochs_completed", "a whole number >= 0", \.epochsCompleted, parse: count, format: { String($0) }),
        field("best_epoch", "a whole number >= 0", \.bestEpoch, parse: count, format: { String($0) }),
        field("epochs_without_improvement", "a whole number >= 0", \.epochsWithoutImprovement, parse: count, format: { String($0) }),
        field("training_images", "a whole number >= 0", \.trainingImages, parse: count, format: { String($0) }),
        field("validation_images", "a whole number >= 0", \.validationImages, parse: count, format: { String($0) }),
        field("best_val_loss", "a number >= 0 (or inf before the first epoch)", \.bestValidationLoss,
              parse: { Double($0).flatMap { $0 >= 0 && !$0.isNaN ? $0 : nil } }, format: { String($0) }),
        field("best_val_accuracy", "a number in 0...1", \.bestValidationAccuracy, parse: fraction, format: { String($0) }),
        field("best_val_iou", "a number in 0...1", \.bestValidationIoU, parse: fraction, format: { String($0) }),
        field("normalization_json", "the JSON of a normalisation spec", \.normalization,
              parse: { try? JSONDecoder().decode(NormalizationSpec.self, from: Data($0.utf8)) }, format: { sortedJSON($0) }),
        field("normalization", "a description of the normalisation", \.normalizationDescription, parse: text, format: { $0 }),
        field("training_options", "the JSON of the training options", \.trainingOptionsJSON, parse: text, format: { $0 }),
        field(postProcessingKey, "the JSON of instance-extraction options with thresholds in 0...1 and a positive marker dynamic",
              \.postProcessing, parse: decodePostProcessing, format: { sortedJSON($0) }),
    ]

    static let postProcessingKey = "postprocessing_json"

    static func decodePostProcessing(_ json: String) -> InstanceExtractionOptions? {
        guard let options = try? JSONDecoder().decode(InstanceExtractionOptions.self, from: Data(json.utf8)) else { return nil }
        let probabilities = [options.threshold, options.interiorThreshold]
        guard probabilities.allSatisfy({ $0 > 0 && $0 < 1 }), options.minimumMarkerDynamic > 0, options.minimumMarkerDynamic.isFinite,
              (0..<1).contains(options.relativeMarkerDynamic), options.minimumArea >= 0, options.minimumMarkerArea >= 0,
              options.distanceSmoothing >= 0, options.distanceSmoothing.isFinite
        else { return nil }
        return options
    }

    /// Reads the string entries of a safetensors file.
    /// - Throws: `CheckpointError.invalidMetadata` for the first known entry whose value does not parse,
    ///   naming `path` and the key.
    public init(entries: [String: String], path: String) throws(CheckpointError) {
        var known: Set<String> = []
        for field in Self.fields {
            known.insert(field.key)
            guard let value = entries[field.key] else { continue }
            if !field.read(&self, value) {
                throw .invalidMetadata(path: path, key: field.key, value: String(value.prefix(80)), expected: field.expected)
            }
        }
        otherEntries = entries.filter { !known.contains($0.key) }
    }

    /// The string entries to store in a safetensors file: the typed ones and `otherEntries`.
    public var entries: [String: String] {
        var result = otherEntries
        for field in Self.fields { if let value = field.write(self) { result[field.key] = value } }
        return result
    }

    /// The entry under `key` as the file holds it (nil when absent).
    public subscript(key: String) -> String? { entries[key] }

    /// `value`, or `CheckpointError.incompatible` naming the file and the missing key.
    public static func required<Value>(_ value: Value?, _ key: String, path: String, for purpose: String) throws(CheckpointError) -> Value {
        guard let value else { throw .incompatible(path: path, reason: "metadata '\(key)' is missing; \(purpose) needs it") }
        return value
    }

    static func sortedJSON<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
