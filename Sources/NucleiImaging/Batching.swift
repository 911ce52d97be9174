import NucleiBase

/// A sample ready for batching: a normalised image (three channels in [-1, 1]) and its
/// instance labels, both at the network input size or both at native resolution.
public struct PreparedSample: Sendable {
    /// `DatasetSample.key` ("split/name").
    public var key: String
    public var image: FloatImage
    public var labels: LabelImage

    public init(key: String, image: FloatImage, labels: LabelImage) {
        precondition(image.width == labels.width && image.height == labels.height && image.channels == 3,
                     "PreparedSample \(key): image \(image.width)x\(image.height)x\(image.channels) and labels \(labels.sizeDescription) must match, 3 channels")
        self.key = key
        self.image = image
        self.labels = labels
    }

    /// Normalises a loaded sample with `spec`; `resized` scales it to the network input
    /// (bilinear image, nearest labels), otherwise it stays at native resolution (for crops).
    public init(_ loaded: LoadedSample, spec: NormalizationSpec = .standard, resized: Bool = true) {
        let image = resized ? spec.prepareImage(loaded.image) : spec.normalize(loaded.image)
        let labels = resized ? spec.prepareLabels(loaded.labels) : loaded.labels
        self.init(key: loaded.sample.key, image: image, labels: labels)
    }

    /// Loads and prepares samples in order.
    /// - Parameter progress: called with (done, total) after each sample.
    /// - Throws: the first `ImagingError`, naming the file.
    public static func load(_ samples: [DatasetSample], spec: NormalizationSpec = .standard, resized: Bool = true,
                            channel: Int? = nil, progress: ((Int, Int) -> Void)? = nil) throws(ImagingError) -> [PreparedSample] {
        var prepared: [PreparedSample] = []
        prepared.reserveCapacity(samples.count)
        for (index, sample) in samples.enumerated() {
            prepared.append(PreparedSample(try sample.load(channel: channel), spec: spec, resized: resized))
            progress?(index + 1, samples.count)
        }
        return prepared
    }
}

/// One batch handed to the segmentation layer as plain arrays (NucleiImaging does not know
/// the tensor type): images NHWC (batch, height, width, 3 channels in [-1, 1]), classes NHW
/// (0 background, 1 nucleus; `encodeClasses(for:)` switches to another head's classes) and
/// instance labels NHW (for evaluation).
public struct Batch: Sendable {
    public var count: Int
    public var height: Int
    public var width: Int
    /// NHWC, C = 3.
    public var images: [Float]
    /// NHW: 1 where the instance label > 0.
    public var classes: [Int32]
    /// NHW: the instance labels, 0 background.
    public var instanceLabels: [Int32]
    /// The sample keys, in batch order.
    public var keys: [String]

    /// Stacks `samples[indices]` (all of one size), flipping each with `flip` if given.
    public init(_ samples: [PreparedSample], indices: [Int], flip: RandomFlip? = nil, using generator: inout SeededGenerator) {
        self.init(items: indices.map { index -> (String, FloatImage, LabelImage) in
            var image = samples[index].image, labels = samples[index].labels
            flip?.apply(image: &image, labels: &labels, using: &generator)
            return (samples[index].key, image, labels)
        })
    }

    /// Random crops of `samples[indices]` at native resolution (any sizes), each then
    /// flipped with `flip` if given. Crops are drawn before flips, sample by sample.
    public init(cropping samples: [PreparedSample], indices: [Int], crop: RandomCrop, flip: RandomFlip? = nil,
                using generator: inout SeededGenerator) {
        self.init(items: indices.map { index -> (String, FloatImage, LabelImage) in
            var (image, labels) = crop.apply(image: samples[index].image, labels: samples[index].labels, using: &generator)
            flip?.apply(image: &image, labels: &labels, using: &generator)
            return (samples[index].key, image, labels)
        })
    }

    /// Augmented inputs of `samples[indices]` (any sizes), drawn sample by sample from
    /// `generator` by `augmenter` (window, scale, flips, rotations, photometric changes).
    public init(augmenting samples: [PreparedSample], indices: [Int], augmenter: Augmenter, using generator: inout SeededGenerator) {
        self.init(items: indices.map { index -> (String, FloatImage, LabelImage) in
            let (image, labels) = augmenter.apply(image: samples[index].image, labels: samples[index].labels, using: &generator)
            return (samples[index].key, image, labels)
        })
    }

    init(items: [(key: String, image: FloatImage, labels: LabelImage)]) {
        precondition(!items.isEmpty, "a batch needs at least one sample")
        let width = items[0].image.width, height = items[0].image.height
        count = items.count
        self.width = width
        self.height = height
        images = []
        images.reserveCapacity(count * width * height * 3)
        instanceLabels = []
        instanceLabels.reserveCapacity(count * width * height)
        keys = []
        for item in items {
            precondition(item.image.width == width && item.image.height == height,
                         "batch sample \(item.key) is \(item.image.width)x\(item.image.height), expected \(width)x\(height)")
            images += item.image.samples
            instanceLabels += item.labels.labels
            keys.append(item.key)
        }
        classes = instanceLabels.map { $0 > 0 ? 1 : 0 }
    }

    /// Replaces `classes` by the targets of `head`, computed image by image from the instance
    /// labels (after any crop and augmentation, so boundaries follow what the network sees).
    public mutating func encodeClasses(for head: SegmentationHead) {
        guard head != .seed else { return }
        let area = width * height
        var encoded: [Int32] = []
        encoded.reserveCapacity(classes.count)
        for item in 0..<count {
            let labels = LabelImage(width: width, height: height, labels: Array(instanceLabels[(item * area)..<((item + 1) * area)]))
            encoded += head.classes(of: labels)
        }
        classes = encoded
    }
}

/// Which samples go into which batch in each epoch: a fresh seeded shuffle per epoch (the
/// same for the same seed and epoch on every machine), or dataset order without shuffling.
public struct BatchSampler: Sendable, Equatable {
    public var count: Int
    public var batchSize: Int
    public var seed: UInt64
    public var shuffle: Bool
    /// Drop a last batch smaller than `batchSize` (Keras keeps it; so does the default).
    public var dropLast: Bool

    public init(count: Int, batchSize: Int, seed: UInt64, shuffle: Bool = true, dropLast: Bool = false) {
        precondition(count >= 0 && batchSize > 0, "BatchSampler needs count >= 0 and batchSize > 0, got \(count), \(batchSize)")
        self.count = count
        self.batchSize = batchSize
        self.seed = seed
        self.shuffle = shuffle
        self.dropLast = dropLast
    }

    /// Number of batches per epoch.
    public var batchesPerEpoch: Int { dropLast ? count / batchSize : (count + batchSize - 1) / batchSize }

    /// The index lists of epoch `epoch` (0-based).
    public func batches(epoch: Int) -> [[Int]] {
        var generator = SeededGenerator(seed: seed, stream: UInt64(epoch))
        let order = shuffle ? generator.permutation(count) : Array(0..<count)
        return (0..<batchesPerEpoch).map { batch in
            Array(order[(batch * batchSize)..<min((batch + 1) * batchSize, count)])
        }
    }

    /// A generator for the augmentation of epoch `epoch`, independent of the shuffle stream.
    public func augmentationGenerator(epoch: Int) -> SeededGenerator {
        SeededGenerator(seed: seed ^ 0xA5A5_A5A5_A5A5_A5A5, stream: UInt64(epoch))
    }
}
