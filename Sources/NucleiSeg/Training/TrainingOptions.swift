import Foundation

/// How training images become 128x128 network inputs.
public enum SamplingMode: String, Codable, Sendable, CaseIterable {
    /// The published pipeline: the whole image resized to the input size.
    case resize
    /// Random input-size crops at native resolution; prediction then runs on tiles.
    case crops
}

/// Every setting of a training run, with the published Keras defaults.
public struct TrainingOptions: Codable, Sendable, Equatable {
    /// Dataset folders trained on together (each split into training and validation by its own
    /// rule, see `DatasetSplit`; a `test` split is never used).
    public var dataPaths: [String]
    /// The first dataset folder.
    public var dataPath: String { dataPaths[0] }
    /// A labelled folder to evaluate on after training (for the report), besides any `test`
    /// split of the training datasets.
    public var testDataPath: String?
    public var layout: DatasetLayout?
    public var outputDirectory: String
    public var inputSize = 128
    public var batchSize = 32
    public var epochs = 100
    public var learningRate: Float = 1e-3
    /// EarlyStopping on val_loss; the best weights are restored at the end.
    public var patience = 20
    public var seed: UInt64 = 42
    public var validationFraction = 0.2
    public var sampling = SamplingMode.resize
    /// Crops per training image per epoch in `crops` mode (0: one per 128x128 of image area).
    public var cropsPerImage = 0
    public var pretrainedEncoder = true
    public var trainEncoder = false
    /// Augmentation of training inputs (`AugmentationPolicy.seed`: the published RandomFlip).
    public var augmentation = AugmentationPolicy.seed
    /// How 8-bit images map to [0, 1] (`fullRange`: x/255, as published).
    public var eightBitIntensity = NormalizationSpec.IntensityRule.fullRange
    /// Decoder arithmetic while training: mixed bfloat16 (bfloat16 products, float32
    /// accumulation, float32 weights and optimizer state) where the CPU has it, else float32.
    /// On the bundled data the two gave the same test figures (IoU 0.802 vs 0.804, AP@0.5 0.630
    /// vs 0.627) while bfloat16 trained 1.5x faster.
    public var precision = InferenceUNet.defaultPrecision
    /// The output classes: `seed`, the published two-class graph, stays the default because it
    /// measured better than `contour` on the same data and budget (see the README's head table:
    /// nuclei samples AP@0.5 0.796 vs 0.676, DSB2018 test 0.742 vs 0.742).
    public var head = SegmentationHead.seed
    /// Loss weight per class; nil takes `head.defaultClassWeights`.
    public var classWeights: [Float]?
    /// The weights the loss uses.
    public var effectiveClassWeights: [Float] { classWeights ?? head.defaultClassWeights }

    public init(dataPath: String, outputDirectory: String, layout: DatasetLayout? = nil) {
        self.init(dataPaths: [dataPath], outputDirectory: outputDirectory, layout: layout)
    }

    public init(dataPaths: [String], outputDirectory: String, layout: DatasetLayout? = nil) {
        precondition(!dataPaths.isEmpty, "TrainingOptions needs at least one dataset folder")
        self.dataPaths = dataPaths
        self.outputDirectory = outputDirectory
        self.layout = layout
    }

    /// The options as checkpoint metadata (JSON, sorted keys).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
